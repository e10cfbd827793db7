// Command pause holds a pod's namespaces open: it sleeps until told to stop.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	// Reaps orphans adopted by PID 1 when the pod shares its process namespace.
	signal.Ignore(syscall.SIGCHLD)
	<-stop
}
