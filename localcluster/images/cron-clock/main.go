// Command cron-clock prints the time and its instance name, then exits: a CronJob's task.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	hostname, _ := os.Hostname()
	fmt.Printf("%s %s\n", time.Now().UTC().Format(time.RFC3339), hostname)
}
