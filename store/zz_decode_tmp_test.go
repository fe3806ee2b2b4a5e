package store

import (
	"database/sql"
	"os"
	"testing"
)

func TestZZDecodeAll(t *testing.T) {
	file := os.Getenv("SB_DECODE_FILE")
	if file == "" {
		t.Skip()
	}
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := db.Query(`SELECT name, table_name FROM _ferretdb_collections`)
	var tabs [][2]string
	for rows.Next() {
		var a, b string
		rows.Scan(&a, &b)
		tabs = append(tabs, [2]string{a, b})
	}
	rows.Close()
	for _, tb := range tabs {
		r, _ := db.Query(`SELECT _ferretdb_sjson FROM "` + tb[1] + `"`)
		n, bad := 0, 0
		for r.Next() {
			var d []byte
			r.Scan(&d)
			n++
			if _, err := decodeSJSON(d); err != nil {
				bad++
				if bad < 3 {
					t.Logf("%s: %v: %.300s", tb[0], err, d)
				}
			}
		}
		r.Close()
		t.Logf("%s: %d rows, %d bad", tb[0], n, bad)
	}
}
