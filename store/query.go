package store

import (
	"context"
	"database/sql"
)

// queryAll runs a query and reads every row with scan, in the order the query gives.
func queryAll[T any](ctx context.Context, db *sql.DB, scan func(scanner) (T, error),
	query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
