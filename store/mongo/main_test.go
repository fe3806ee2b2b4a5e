package mongo_test

import (
	"testing"

	"skillbook/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
