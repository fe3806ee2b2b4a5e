package models

// Page sizes every list accepts.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)

// Page asks for one page of a list: at most Limit items after the opaque
// Cursor a previous page returned (empty for the first page).
type Page struct {
	Limit  int
	Cursor string
}

// Size is the number of items to return: Limit, or the default when it is
// not set, and never more than MaxPageLimit.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageLimit
	case p.Limit > MaxPageLimit:
		return MaxPageLimit
	}
	return p.Limit
}

// List is one page of a list. NextCursor, when not empty, fetches the next
// page; an empty one means this page is the last.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}
