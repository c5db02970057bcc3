package events

import "testing"

func TestValidTime(t *testing.T) {
	valid := []string{"2024-01-10T00:00:00Z", "2024-01-10T00:00:00.123Z", "2024-01-10T00:00:00+01:00", "0000-01-10T00:00:00Z"}
	invalid := []string{"", "2024-01-10", "2024-01-10T0:00:00Z", "2024-01-10 00:00:00Z", "2024-01-10T00:00:00", "2024-01-10T00:00:00.Z",
		"2024-13-10T00:00:00Z", "2024-01-10T00:00:00+0100", "Jan 19, 2023 5:55:08 PM", "2024-01-10T00:00:00Zjunk", "2024-01-10t00:00:00z"}
	for _, v := range valid {
		if !validTime(v) {
			t.Errorf("validTime(%q) = false, want true", v)
		}
	}
	for _, v := range invalid {
		if validTime(v) {
			t.Errorf("validTime(%q) = true, want false", v)
		}
	}
}

func TestValidRegionAndAccount(t *testing.T) {
	for _, r := range []string{"us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "ap-southeast-5"} {
		if !validRegion(r) {
			t.Errorf("validRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "# ", "us-east", "US-EAST-1", "us-east-1a", "us--1", "us-east-1/x", "-us-east-1"} {
		if validRegion(r) {
			t.Errorf("validRegion(%q) = true", r)
		}
	}
	if got := firstAccount("", "12345", "abcdefghijkl", "111122223333", "444455556666"); got != "111122223333" {
		t.Errorf("firstAccount = %q, want the first 12-digit id", got)
	}
	if got := firstAccount("x y", ""); got != "" {
		t.Errorf("firstAccount = %q, want none", got)
	}
}

func TestPartition(t *testing.T) {
	tests := map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
	}
	for region, want := range tests {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%q) = %q, want %q", region, got, want)
		}
	}
}
