#!/usr/bin/env node
// The `dpop` command. A committed launcher (not dist/cli.js itself) so package managers can link the bin at
// install time, before the package is built in a workspace.
import '../dist/cli.js'
