// Command nrm is the national referral mechanism's server and tool.
package main

import (
	"os"

	"nrm/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdout, os.Stderr))
}
