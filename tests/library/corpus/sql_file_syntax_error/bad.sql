SELECT id FROM no_such_table
