package models

import "testing"

func TestPageSize(t *testing.T) {
	for limit, want := range map[int]int{0: DefaultPageLimit, -1: DefaultPageLimit, 1: 1, 200: 200, 201: MaxPageLimit} {
		if got := (Page{Limit: limit}).Size(); got != want {
			t.Errorf("Page{Limit: %d}.Size() = %d; want %d", limit, got, want)
		}
	}
}
