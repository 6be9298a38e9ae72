-- SPDX-FileCopyrightText: 2026 Duckalog contributors
-- SPDX-License-Identifier: MIT
SELECT id FROM no_such_table
