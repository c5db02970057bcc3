// Package config reads the forwarder's environment into one Config, once per
// cold start. Load checks every variable and names each bad one in its
// error; the variables are documented on the Config fields and in
// docs/forwarder.md.
package config
