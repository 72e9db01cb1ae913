package sqlstore

func (s *Store) ExecForBench(q string) error { _, err := s.db.Exec(q); return err }

func (s *Store) PlanForBench(q string, args ...any) ([]string, error) {
	rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil { return nil, err }
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		out = append(out, d)
	}
	return out, nil
}

var PermQ = permissionsQueries["sqlite"][1]
