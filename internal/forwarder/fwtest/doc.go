// Package fwtest holds the helpers the forwarder's tests share: its fixtures
// (testdata beside this file) and an AWS environment that can only reach
// loopback endpoints. Only tests import it.
package fwtest
