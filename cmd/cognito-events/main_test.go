package main

import (
	"testing"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// TestMain stops the moto server the tests share (moto.Shared) once every
// test has run, whatever their order.
func TestMain(m *testing.M) { moto.Main(m) }
