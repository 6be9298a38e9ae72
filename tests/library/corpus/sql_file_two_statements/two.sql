-- SPDX-FileCopyrightText: 2026 Duckalog contributors
-- SPDX-License-Identifier: MIT
-- looks like one query
SELECT 1 AS id;
CREATE TABLE pwned AS SELECT 1;
