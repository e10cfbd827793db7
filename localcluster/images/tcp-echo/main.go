// Command tcp-echo sends back every byte it receives on TCP port PORT (9000).
package main

import (
	"io"
	"log"
	"net"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9000"
	}
	listener, err := net.Listen("tcp", ":"+port)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("tcp-echo listening on :%s", port)
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer conn.Close()
			n, _ := io.Copy(conn, conn)
			log.Printf("echoed %d bytes to %s", n, conn.RemoteAddr())
		}()
	}
}
