// Command memory-hog takes memory in 8 MiB steps and keeps it until the kernel
// kills it for going over its limit: a container that tests see OOMKilled.
package main

import (
	"fmt"
	"time"
)

const step = 8 << 20

func main() {
	var held [][]byte
	for {
		chunk := make([]byte, step)
		// Touch every page, or the kernel never really hands the memory over.
		for i := 0; i < len(chunk); i += 4096 {
			chunk[i] = 1
		}
		held = append(held, chunk)
		fmt.Printf("holding %d MiB\n", len(held)*step>>20)
		time.Sleep(50 * time.Millisecond)
	}
}
