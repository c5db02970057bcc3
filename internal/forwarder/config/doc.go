// Package config reads the forwarder's environment into one Config, once per
// cold start. Load checks every variable and names each bad one in its
// error; the variables are documented on the Config fields and in
// docs/forwarder.md. The sink's variables are read and checked by package
// sink's registry, each kind's beside its code, into Config.Sink.
package config
