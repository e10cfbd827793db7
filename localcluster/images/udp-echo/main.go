// Command udp-echo sends every UDP datagram on port PORT (9000) back to its sender.
package main

import (
	"log"
	"net"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9000"
	}
	conn, err := net.ListenPacket("udp", ":"+port)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("udp-echo listening on :%s", port)
	buffer := make([]byte, 65535)
	for {
		n, sender, err := conn.ReadFrom(buffer)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := conn.WriteTo(buffer[:n], sender); err != nil {
			log.Printf("reply to %s: %v", sender, err)
		}
	}
}
