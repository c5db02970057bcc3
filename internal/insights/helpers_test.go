package insights

import (
	"slices"
	"strconv"
)

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func slicesSort(s []string) { slices.Sort(s) }

func itoa(i int) string { return strconv.Itoa(i) }
