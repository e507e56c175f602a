WITH tx AS (
  SELECT
    *,
    CASE
      WHEN LOWER(
        TRIM(
          role,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      ELSE NULLIF(
        TRIM(
          role,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ),
        ''
      )
    END AS icp__t0,
    CASE
      WHEN LOWER(
        TRIM(
          signup_domain,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      ELSE NULLIF(
        TRIM(
          signup_domain,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ),
        ''
      )
    END AS icp__t1,
    CASE
      WHEN LOWER(
        TRIM(
          company_type,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      ELSE NULLIF(
        TRIM(
          company_type,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ),
        ''
      )
    END AS icp__t3,
    CASE
      WHEN LOWER(
        TRIM(
          description,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      ELSE NULLIF(
        TRIM(
          description,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ),
        ''
      )
    END AS icp__t4,
    REPLACE(
      REPLACE(REPLACE(REPLACE(investors, ',', ';'), '|', ';'), CHAR(13), ';'),
      CHAR(10),
      ';'
    ) AS icp__s13,
    REPLACE(REPLACE(REPLACE(REPLACE(tags, ',', ';'), '|', ';'), CHAR(13), ';'), CHAR(10), ';') AS icp__s14,
    REPLACE(
      REPLACE(REPLACE(REPLACE(tag_types, ',', ';'), '|', ';'), CHAR(13), ';'),
      CHAR(10),
      ';'
    ) AS icp__s15
  FROM crm.accounts
  LIMIT -1
  OFFSET 0
), src AS (
  SELECT
    account_id AS icp_id,
    NOT LOWER(icp__t0) IS NULL AS g0,
    NOT LOWER(icp__t1) IS NULL AS g1,
    NOT profile_found IS NULL AS g2,
    NOT LOWER(icp__t3) IS NULL AS g3,
    NOT LOWER(icp__t4) IS NULL AS g4,
    NOT headcount IS NULL AS g5,
    NOT engineering_headcount IS NULL AS g6,
    NOT headcount_growth_180d IS NULL AS g7,
    NOT headcount_adds_180d IS NULL AS g8,
    NOT web_traffic IS NULL AS g9,
    NOT traffic_growth_90d IS NULL AS g10,
    NOT funding_total IS NULL AS g11,
    NOT funding_undisclosed IS NULL AS g12,
    CASE
      WHEN (
        TRIM(
          REPLACE(icp__s13, ';', ''),
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ) IN ('', '[]', '""')
      )
      OR (
        LOWER(
          TRIM(
            icp__s13,
            CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
          )
        ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      )
      THEN FALSE
      ELSE NOT icp__s13 IS NULL
    END AS g13,
    CASE
      WHEN (
        TRIM(
          REPLACE(icp__s14, ';', ''),
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ) IN ('', '[]', '""')
      )
      OR (
        LOWER(
          TRIM(
            icp__s14,
            CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
          )
        ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      )
      THEN FALSE
      ELSE NOT icp__s14 IS NULL
    END AS g14,
    CASE
      WHEN (
        TRIM(
          REPLACE(icp__s15, ';', ''),
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        ) IN ('', '[]', '""')
      )
      OR (
        LOWER(
          TRIM(
            icp__s15,
            CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
          )
        ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      )
      THEN FALSE
      ELSE NOT icp__s15 IS NULL
    END AS g15,
    CASE
      WHEN icp__t0 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE icp__t0
    END AS v0,
    CASE
      WHEN icp__t0 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE (
        SELECT
          TRIM(icp__s, '_') AS icp__s
        FROM (
          SELECT
            REPLACE(
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '`', '_'), '{', '_'), '|', '_'), '}', '_'),
                    '~',
                    '_'
                  ),
                  '_',
                  '_' || CHAR(1)
                ),
                CHAR(1) || '_',
                ''
              ),
              CHAR(1),
              ''
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '=', '_'), '>', '_'), '?', '_'), '@', '_'),
                      '[',
                      '_'
                    ),
                    '\',
                    '_'
                  ),
                  ']',
                  '_'
                ),
                '^',
                '_'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                        '/',
                        '_'
                      ),
                      ':',
                      '_'
                    ),
                    ';',
                    '_'
                  ),
                  '<',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                          '''',
                          '_'
                        ),
                        '(',
                        '_'
                      ),
                      ')',
                      '_'
                    ),
                    '*',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                            CHAR(13),
                            '_'
                          ),
                          ' ',
                          '_'
                        ),
                        '!',
                        '_'
                      ),
                      '"',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      icp__t0 AS icp__s
                  )
                )
              )
            )
          )
        )
      )
    END AS n0,
    CASE
      WHEN icp__t1 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE icp__t1
    END AS v1,
    CASE
      WHEN icp__t1 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE LOWER(icp__t1)
    END AS lw1,
    CASE
      WHEN TYPEOF(profile_found) = 'integer' AND profile_found IN (0, 1)
      THEN profile_found
    END AS v2,
    CASE
      WHEN icp__t3 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE icp__t3
    END AS v3,
    CASE
      WHEN icp__t3 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE (
        SELECT
          TRIM(icp__s, '_') AS icp__s
        FROM (
          SELECT
            REPLACE(
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '`', '_'), '{', '_'), '|', '_'), '}', '_'),
                    '~',
                    '_'
                  ),
                  '_',
                  '_' || CHAR(1)
                ),
                CHAR(1) || '_',
                ''
              ),
              CHAR(1),
              ''
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '=', '_'), '>', '_'), '?', '_'), '@', '_'),
                      '[',
                      '_'
                    ),
                    '\',
                    '_'
                  ),
                  ']',
                  '_'
                ),
                '^',
                '_'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                        '/',
                        '_'
                      ),
                      ':',
                      '_'
                    ),
                    ';',
                    '_'
                  ),
                  '<',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                          '''',
                          '_'
                        ),
                        '(',
                        '_'
                      ),
                      ')',
                      '_'
                    ),
                    '*',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                            CHAR(13),
                            '_'
                          ),
                          ' ',
                          '_'
                        ),
                        '!',
                        '_'
                      ),
                      '"',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      icp__t3 AS icp__s
                  )
                )
              )
            )
          )
        )
      )
    END AS n3,
    CASE
      WHEN icp__t4 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE icp__t4
    END AS v4,
    CASE
      WHEN icp__t4 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
      THEN NULL
      ELSE (
        SELECT
          TRIM(icp__s, '_') AS icp__s
        FROM (
          SELECT
            REPLACE(
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '`', '_'), '{', '_'), '|', '_'), '}', '_'),
                    '~',
                    '_'
                  ),
                  '_',
                  '_' || CHAR(1)
                ),
                CHAR(1) || '_',
                ''
              ),
              CHAR(1),
              ''
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '=', '_'), '>', '_'), '?', '_'), '@', '_'),
                      '[',
                      '_'
                    ),
                    '\',
                    '_'
                  ),
                  ']',
                  '_'
                ),
                '^',
                '_'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                        '/',
                        '_'
                      ),
                      ':',
                      '_'
                    ),
                    ';',
                    '_'
                  ),
                  '<',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                          '''',
                          '_'
                        ),
                        '(',
                        '_'
                      ),
                      ')',
                      '_'
                    ),
                    '*',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                            CHAR(13),
                            '_'
                          ),
                          ' ',
                          '_'
                        ),
                        '!',
                        '_'
                      ),
                      '"',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      icp__t4 AS icp__s
                  )
                )
              )
            )
          )
        )
      )
    END AS n4,
    CASE
      WHEN (
        TYPEOF(headcount) IN ('integer', 'real')
      )
      AND (
        headcount >= 0.0
      )
      AND (
        headcount <= 1.7976931348623157e+308
      )
      THEN headcount
    END AS v5,
    CASE
      WHEN (
        TYPEOF(engineering_headcount) IN ('integer', 'real')
      )
      AND (
        engineering_headcount >= 0.0
      )
      AND (
        engineering_headcount <= 1.7976931348623157e+308
      )
      THEN engineering_headcount
    END AS v6,
    CASE
      WHEN (
        TYPEOF(headcount_growth_180d) IN ('integer', 'real')
      )
      AND (
        headcount_growth_180d >= -1.7976931348623157E+308
      )
      AND (
        headcount_growth_180d <= 1.7976931348623157e+308
      )
      THEN headcount_growth_180d
    END AS v7,
    CASE
      WHEN (
        TYPEOF(headcount_adds_180d) IN ('integer', 'real')
      )
      AND (
        headcount_adds_180d >= -1.7976931348623157E+308
      )
      AND (
        headcount_adds_180d <= 1.7976931348623157e+308
      )
      THEN headcount_adds_180d
    END AS v8,
    CASE
      WHEN (
        TYPEOF(web_traffic) IN ('integer', 'real')
      )
      AND (
        web_traffic >= 0.0
      )
      AND (
        web_traffic <= 1.7976931348623157e+308
      )
      THEN web_traffic
    END AS v9,
    CASE
      WHEN (
        TYPEOF(traffic_growth_90d) IN ('integer', 'real')
      )
      AND (
        traffic_growth_90d >= -1.7976931348623157E+308
      )
      AND (
        traffic_growth_90d <= 1.7976931348623157e+308
      )
      THEN traffic_growth_90d
    END AS v10,
    CASE
      WHEN (
        TYPEOF(funding_total) IN ('integer', 'real')
      )
      AND (
        funding_total >= 0.0
      )
      AND (
        funding_total <= 1.7976931348623157e+308
      )
      THEN funding_total
    END AS v11,
    CASE
      WHEN TYPEOF(funding_undisclosed) = 'integer' AND funding_undisclosed IN (0, 1)
      THEN funding_undisclosed
    END AS v12,
    CASE
      WHEN LOWER(
        TRIM(
          icp__s13,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      WHEN TRIM(
        icp__s13,
        CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
      ) IN ('[]', '""')
      THEN ';;'
      ELSE CASE
        WHEN (
          icp__s13 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
        )
        THEN NULL
        ELSE ';' || (
          SELECT
            TRIM(
              REPLACE(
                REPLACE(REPLACE(REPLACE(icp__s, ';_', ';'), ';', ';' || CHAR(1)), CHAR(1) || ';', ''),
                CHAR(1),
                ''
              ),
              '_;'
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '{', '_'), '|', '_'), '}', '_'), '~', '_'),
                      '_',
                      '_' || CHAR(1)
                    ),
                    CHAR(1) || '_',
                    ''
                  ),
                  CHAR(1),
                  ''
                ),
                '_;',
                ';'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '>', '_'), '?', '_'), '@', '_'), '[', '_'),
                        '\',
                        '_'
                      ),
                      ']',
                      '_'
                    ),
                    '^',
                    '_'
                  ),
                  '`',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                          '/',
                          '_'
                        ),
                        ':',
                        '_'
                      ),
                      '<',
                      '_'
                    ),
                    '=',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                            '''',
                            '_'
                          ),
                          '(',
                          '_'
                        ),
                        ')',
                        '_'
                      ),
                      '*',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(
                              REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                              CHAR(13),
                              '_'
                            ),
                            ' ',
                            '_'
                          ),
                          '!',
                          '_'
                        ),
                        '"',
                        '_'
                      ) AS icp__s
                    FROM (
                      SELECT
                        icp__s13 AS icp__s
                    )
                  )
                )
              )
            )
          )
        ) || ';'
      END
    END AS v13,
    CASE
      WHEN LOWER(
        TRIM(
          icp__s14,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      WHEN TRIM(
        icp__s14,
        CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
      ) IN ('[]', '""')
      THEN ';;'
      ELSE CASE
        WHEN (
          icp__s14 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
        )
        THEN NULL
        ELSE ';' || (
          SELECT
            TRIM(
              REPLACE(
                REPLACE(REPLACE(REPLACE(icp__s, ';_', ';'), ';', ';' || CHAR(1)), CHAR(1) || ';', ''),
                CHAR(1),
                ''
              ),
              '_;'
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '{', '_'), '|', '_'), '}', '_'), '~', '_'),
                      '_',
                      '_' || CHAR(1)
                    ),
                    CHAR(1) || '_',
                    ''
                  ),
                  CHAR(1),
                  ''
                ),
                '_;',
                ';'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '>', '_'), '?', '_'), '@', '_'), '[', '_'),
                        '\',
                        '_'
                      ),
                      ']',
                      '_'
                    ),
                    '^',
                    '_'
                  ),
                  '`',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                          '/',
                          '_'
                        ),
                        ':',
                        '_'
                      ),
                      '<',
                      '_'
                    ),
                    '=',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                            '''',
                            '_'
                          ),
                          '(',
                          '_'
                        ),
                        ')',
                        '_'
                      ),
                      '*',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(
                              REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                              CHAR(13),
                              '_'
                            ),
                            ' ',
                            '_'
                          ),
                          '!',
                          '_'
                        ),
                        '"',
                        '_'
                      ) AS icp__s
                    FROM (
                      SELECT
                        icp__s14 AS icp__s
                    )
                  )
                )
              )
            )
          )
        ) || ';'
      END
    END AS v14,
    CASE
      WHEN LOWER(
        TRIM(
          icp__s15,
          CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
        )
      ) IN ('n/a', '#n/a', 'na', 'null', 'nan', 'none', '(blank)', '-', '—', '?')
      THEN NULL
      WHEN TRIM(
        icp__s15,
        CHAR(9) || CHAR(10) || CHAR(11) || CHAR(12) || CHAR(13) || CHAR(133) || '   ᠎           ​    ⁠　﻿'
      ) IN ('[]', '""')
      THEN ';;'
      ELSE CASE
        WHEN (
          icp__s15 GLOB '*[^' || CHAR(9, 10, 13) || ' -~]*'
        )
        THEN NULL
        ELSE ';' || (
          SELECT
            TRIM(
              REPLACE(
                REPLACE(REPLACE(REPLACE(icp__s, ';_', ';'), ';', ';' || CHAR(1)), CHAR(1) || ';', ''),
                CHAR(1),
                ''
              ),
              '_;'
            ) AS icp__s
          FROM (
            SELECT
              REPLACE(
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '{', '_'), '|', '_'), '}', '_'), '~', '_'),
                      '_',
                      '_' || CHAR(1)
                    ),
                    CHAR(1) || '_',
                    ''
                  ),
                  CHAR(1),
                  ''
                ),
                '_;',
                ';'
              ) AS icp__s
            FROM (
              SELECT
                REPLACE(
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '>', '_'), '?', '_'), '@', '_'), '[', '_'),
                        '\',
                        '_'
                      ),
                      ']',
                      '_'
                    ),
                    '^',
                    '_'
                  ),
                  '`',
                  '_'
                ) AS icp__s
              FROM (
                SELECT
                  REPLACE(
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '+', '_'), ',', '_'), '-', '_'), '.', '_'),
                          '/',
                          '_'
                        ),
                        ':',
                        '_'
                      ),
                      '<',
                      '_'
                    ),
                    '=',
                    '_'
                  ) AS icp__s
                FROM (
                  SELECT
                    REPLACE(
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(REPLACE(REPLACE(REPLACE(icp__s, '#', '_'), '$', '_'), '%', '_'), '&', '_'),
                            '''',
                            '_'
                          ),
                          '(',
                          '_'
                        ),
                        ')',
                        '_'
                      ),
                      '*',
                      '_'
                    ) AS icp__s
                  FROM (
                    SELECT
                      REPLACE(
                        REPLACE(
                          REPLACE(
                            REPLACE(
                              REPLACE(REPLACE(REPLACE(LOWER(icp__s), '&', ' and '), CHAR(9), '_'), CHAR(10), '_'),
                              CHAR(13),
                              '_'
                            ),
                            ' ',
                            '_'
                          ),
                          '!',
                          '_'
                        ),
                        '"',
                        '_'
                      ) AS icp__s
                    FROM (
                      SELECT
                        icp__s15 AS icp__s
                    )
                  )
                )
              )
            )
          )
        ) || ';'
      END
    END AS v15
  FROM tx
  LIMIT -1
  OFFSET 0
), l1 AS (
  SELECT
    *,
    n0 = 'student' AS dq0_0,
    n3 = 'school' AS dq0_1,
    v9 >= 100000 AS m0_0,
    v9 >= 10000 AS m0_1,
    v9 >= 1000 AS m0_2,
    (
      v9 >= 5000
    ) AND (
      v10 >= 40
    ) AS m0_3,
    (
      v9 >= 5000
    ) AND (
      v10 >= 15
    ) AS m0_4,
    (
      v9 >= 5000
    ) AND (
      v10 > 0
    ) AS m0_5,
    v11 >= 10000000 AS m0_6,
    v11 >= 2000000 AS m0_7,
    (
      v11 > 0
    ) OR (
      v12 = TRUE
    ) AS m0_8,
    (
      INSTR(v15, ';yc_batch;') > 0
    )
    OR (
      INSTR(v14, ';ai_grant_batch_1;') > 0
    )
    OR (
      (
        INSTR(v13, 'y_combinator') > 0
      )
      OR (
        INSTR(v13, 'sequoia_capital') > 0
      )
      OR (
        INSTR(v13, ';gv;') > 0
      )
    ) AS m0_9,
    (
      (
        INSTR(v14, ';artificial_intelligence;') > 0
      )
      OR (
        INSTR(v14, ';ai_grant_batch_1;') > 0
      )
    )
    OR (
      (
        '_' || n4 || '_' GLOB '*_ai_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_artificial_intelligence_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_machine_learning_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_ml_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_llm_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_llms_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_genai_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_generative_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_copilot_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_neural_network_*'
      )
    )
    OR (
      SUBSTRING(lw1, LENGTH(lw1) - 2) = '.ai'
    ) AS m0_10,
    v7 >= 15 AS m0_11,
    (
      v7 >= 5
    ) OR (
      v8 >= 3
    ) AS m0_12,
    v7 > 0 AS m0_13,
    v6 > 0 AS m0_14,
    (
      INSTR(v14, ';developer_tools;') > 0
    )
    OR (
      (
        '_' || n4 || '_' GLOB '*_software_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_platform_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_api_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_saas_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_application_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_developer_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_sdk_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_automat[^_]*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_dashboard_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_analytics_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_infrastructure_*'
      )
      OR (
        '_' || n4 || '_' GLOB '*_integrat[^_]*'
      )
    ) AS m0_15,
    COALESCE((
      v2 = FALSE
    ), FALSE) AS gt0,
    COALESCE(
      (
        CASE
          WHEN (
            (
              CASE WHEN NOT (
                (
                  NOT v5 IS NULL
                ) AND (
                  v5 > 0
                )
              ) THEN 0 ELSE 1 END
            ) + (
              CASE
                WHEN NOT (
                  (
                    NOT v11 IS NULL
                  ) AND (
                    v11 > 0
                  )
                )
                THEN 0
                ELSE 1
              END
            ) + (
              CASE
                WHEN NOT (
                  (
                    NOT v13 IS NULL
                  ) AND (
                    REPLACE(v13, ';', '') <> ''
                  )
                )
                THEN 0
                ELSE 1
              END
            ) + (
              CASE
                WHEN NOT (
                  (
                    NOT v14 IS NULL
                  ) AND (
                    REPLACE(v14, ';', '') <> ''
                  )
                )
                THEN 0
                ELSE 1
              END
            ) + (
              CASE WHEN NOT (
                (
                  NOT v9 IS NULL
                ) AND (
                  v9 > 0
                )
              ) THEN 0 ELSE 1 END
            )
          ) <= 0
          THEN TRUE
          WHEN (
            (
              CASE WHEN (
                NOT v5 IS NULL
              ) AND (
                v5 > 0
              ) THEN 1 ELSE 0 END
            ) + (
              CASE WHEN (
                NOT v11 IS NULL
              ) AND (
                v11 > 0
              ) THEN 1 ELSE 0 END
            ) + (
              CASE
                WHEN (
                  NOT v13 IS NULL
                ) AND (
                  REPLACE(v13, ';', '') <> ''
                )
                THEN 1
                ELSE 0
              END
            ) + (
              CASE
                WHEN (
                  NOT v14 IS NULL
                ) AND (
                  REPLACE(v14, ';', '') <> ''
                )
                THEN 1
                ELSE 0
              END
            ) + (
              CASE WHEN (
                NOT v9 IS NULL
              ) AND (
                v9 > 0
              ) THEN 1 ELSE 0 END
            )
          ) > 0
          THEN FALSE
        END
      ),
      FALSE
    ) AS gt1,
    CASE
      WHEN (
        (
          CASE WHEN NOT (
            (
              NOT v5 IS NULL
            ) AND (
              v5 >= 1
            )
          ) THEN 0 ELSE 1 END
        ) + (
          CASE
            WHEN NOT (
              (
                NOT v9 IS NULL
              ) AND (
                v9 >= 100
              )
            )
            THEN 0
            ELSE 1
          END
        ) + (
          CASE
            WHEN NOT (
              (
                (
                  NOT v11 IS NULL
                ) AND (
                  v11 > 0
                )
              )
              OR (
                (
                  NOT v13 IS NULL
                ) AND (
                  REPLACE(v13, ';', '') <> ''
                )
              )
            )
            THEN 0
            ELSE 1
          END
        ) + (
          CASE
            WHEN NOT (
              (
                NOT v14 IS NULL
              ) AND (
                REPLACE(v14, ';', '') <> ''
              )
            )
            THEN 0
            ELSE 1
          END
        )
      ) <= 1
      THEN TRUE
      WHEN (
        (
          CASE WHEN (
            NOT v5 IS NULL
          ) AND (
            v5 >= 1
          ) THEN 1 ELSE 0 END
        ) + (
          CASE WHEN (
            NOT v9 IS NULL
          ) AND (
            v9 >= 100
          ) THEN 1 ELSE 0 END
        ) + (
          CASE
            WHEN (
              (
                NOT v11 IS NULL
              ) AND (
                v11 > 0
              )
            )
            OR (
              (
                NOT v13 IS NULL
              ) AND (
                REPLACE(v13, ';', '') <> ''
              )
            )
            THEN 1
            ELSE 0
          END
        ) + (
          CASE
            WHEN (
              NOT v14 IS NULL
            ) AND (
              REPLACE(v14, ';', '') <> ''
            )
            THEN 1
            ELSE 0
          END
        )
      ) > 1
      THEN FALSE
    END AS fl0,
    (
      INSTR(v14, ';consulting;') > 0
    )
    OR (
      INSTR(v14, ';technology_and_digital_consulting;') > 0
    )
    OR (
      INSTR(v14, ';management_and_strategy_consulting;') > 0
    ) AS fl1,
    (
      INSTR(v14, ';non_profit_and_community_organizations;') > 0
    ) AS fl2,
    (
      INSTR(v15, ';yc_batch;') > 0
    )
    OR (
      INSTR(v14, ';ai_grant_batch_1;') > 0
    )
    OR (
      (
        INSTR(v13, 'y_combinator') > 0
      )
      OR (
        INSTR(v13, 'sequoia_capital') > 0
      )
      OR (
        INSTR(v13, ';gv;') > 0
      )
    ) AS fl3
  FROM src
  LIMIT -1
  OFFSET 0
), l2 AS (
  SELECT
    *,
    COALESCE((
      dq0_0 OR dq0_1
    ), FALSE) AS d0,
    TRUE AS h0,
    TRUE AS e0,
    (
      (
        CASE WHEN m0_0 THEN 15 WHEN m0_1 THEN 10 WHEN m0_2 THEN 5 ELSE 0 END
      ) + (
        CASE WHEN m0_3 THEN 20 WHEN m0_4 THEN 12 WHEN m0_5 THEN 5 ELSE 0 END
      )
    ) + CASE
      WHEN (
        (
          CASE WHEN m0_6 THEN 20 WHEN m0_7 THEN 14 WHEN m0_8 THEN 8 ELSE 0 END
        ) + (
          CASE WHEN m0_9 THEN 10 ELSE 0 END
        )
      ) > 30
      THEN 30
      ELSE (
        (
          CASE WHEN m0_6 THEN 20 WHEN m0_7 THEN 14 WHEN m0_8 THEN 8 ELSE 0 END
        ) + (
          CASE WHEN m0_9 THEN 10 ELSE 0 END
        )
      )
    END + (
      (
        CASE WHEN m0_10 THEN 15 ELSE 0 END
      )
    ) + CASE WHEN m0_11 THEN 10 WHEN m0_12 THEN 6 WHEN m0_13 THEN 3 ELSE 0 END + CASE WHEN m0_14 THEN 10 WHEN m0_15 THEN 7 ELSE 0 END AS s0,
    (
      (
        CASE WHEN m0_0 THEN 15 WHEN m0_1 THEN 10 WHEN m0_2 THEN 5 ELSE 0 END
      ) + (
        CASE WHEN m0_3 THEN 20 WHEN m0_4 THEN 12 WHEN m0_5 THEN 5 ELSE 0 END
      )
    ) AS g0_0,
    CASE WHEN m0_0 THEN 15 WHEN m0_1 THEN 10 WHEN m0_2 THEN 5 ELSE 0 END AS g0_1,
    CASE WHEN m0_3 THEN 20 WHEN m0_4 THEN 12 WHEN m0_5 THEN 5 ELSE 0 END AS g0_2,
    CASE
      WHEN (
        (
          CASE WHEN m0_6 THEN 20 WHEN m0_7 THEN 14 WHEN m0_8 THEN 8 ELSE 0 END
        ) + (
          CASE WHEN m0_9 THEN 10 ELSE 0 END
        )
      ) > 30
      THEN 30
      ELSE (
        (
          CASE WHEN m0_6 THEN 20 WHEN m0_7 THEN 14 WHEN m0_8 THEN 8 ELSE 0 END
        ) + (
          CASE WHEN m0_9 THEN 10 ELSE 0 END
        )
      )
    END AS g0_3,
    CASE WHEN m0_6 THEN 20 WHEN m0_7 THEN 14 WHEN m0_8 THEN 8 ELSE 0 END AS g0_4,
    (
      (
        CASE WHEN m0_10 THEN 15 ELSE 0 END
      )
    ) AS g0_5,
    CASE WHEN m0_11 THEN 10 WHEN m0_12 THEN 6 WHEN m0_13 THEN 3 ELSE 0 END AS g0_6,
    CASE WHEN m0_14 THEN 10 WHEN m0_15 THEN 7 ELSE 0 END AS g0_7,
    CASE WHEN m0_0 THEN ', 100,000 visits a month or more' ELSE '' END || CASE
      WHEN m0_1 AND (
        NOT (
          COALESCE(m0_0, FALSE)
        )
      )
      THEN ', 10,000 visits a month or more'
      ELSE ''
    END || CASE
      WHEN m0_2
      AND (
        NOT (
          COALESCE(m0_0, FALSE)
        )
      )
      AND (
        NOT (
          COALESCE(m0_1, FALSE)
        )
      )
      THEN ', 1,000 visits a month or more'
      ELSE ''
    END || CASE WHEN m0_3 THEN ', Traffic up 40% or more on a base of 5,000 visits' ELSE '' END || CASE
      WHEN m0_4 AND (
        NOT (
          COALESCE(m0_3, FALSE)
        )
      )
      THEN ', Traffic up 15% or more on a base of 5,000 visits'
      ELSE ''
    END || CASE
      WHEN m0_5
      AND (
        NOT (
          COALESCE(m0_3, FALSE)
        )
      )
      AND (
        NOT (
          COALESCE(m0_4, FALSE)
        )
      )
      THEN ', Traffic growing on a base of 5,000 visits'
      ELSE ''
    END || CASE WHEN m0_6 THEN ', 10 million USD raised or more' ELSE '' END || CASE
      WHEN m0_7 AND (
        NOT (
          COALESCE(m0_6, FALSE)
        )
      )
      THEN ', 2 million USD raised or more'
      ELSE ''
    END || CASE
      WHEN m0_8
      AND (
        NOT (
          COALESCE(m0_6, FALSE)
        )
      )
      AND (
        NOT (
          COALESCE(m0_7, FALSE)
        )
      )
      THEN ', Some funding raised, even when the amount is undisclosed'
      ELSE ''
    END || CASE
      WHEN m0_9
      THEN ', Backed by a listed fund, any YC batch or AI Grant'
      ELSE ''
    END || CASE
      WHEN m0_10
      THEN ', An AI tag, AI words in the description, or a .ai signup domain'
      ELSE ''
    END || CASE WHEN m0_11 THEN ', Headcount up 15% or more in 180 days' ELSE '' END || CASE
      WHEN m0_12 AND (
        NOT (
          COALESCE(m0_11, FALSE)
        )
      )
      THEN ', Headcount up 5% or more, or three net hires, in 180 days'
      ELSE ''
    END || CASE
      WHEN m0_13
      AND (
        NOT (
          COALESCE(m0_11, FALSE)
        )
      )
      AND (
        NOT (
          COALESCE(m0_12, FALSE)
        )
      )
      THEN ', Headcount growing in 180 days'
      ELSE ''
    END || CASE WHEN m0_14 THEN ', Engineers on the team' ELSE '' END || CASE
      WHEN m0_15 AND (
        NOT (
          COALESCE(m0_14, FALSE)
        )
      )
      THEN ', A software tag or software words in the description'
      ELSE ''
    END AS why0,
    '' AS miss0,
    NULLIF(
      SUBSTRING(
        CASE WHEN g0 AND (
          v0 IS NULL
        ) THEN ';role' ELSE '' END || CASE WHEN g1 AND (
          v1 IS NULL
        ) THEN ';signup_domain' ELSE '' END || CASE WHEN g2 AND (
          v2 IS NULL
        ) THEN ';profile_found' ELSE '' END || CASE WHEN g3 AND (
          v3 IS NULL
        ) THEN ';company_type' ELSE '' END || CASE WHEN g4 AND (
          v4 IS NULL
        ) THEN ';description' ELSE '' END || CASE WHEN g5 AND (
          v5 IS NULL
        ) THEN ';headcount' ELSE '' END || CASE WHEN g6 AND (
          v6 IS NULL
        ) THEN ';engineering_headcount' ELSE '' END || CASE WHEN g7 AND (
          v7 IS NULL
        ) THEN ';headcount_growth_180d' ELSE '' END || CASE WHEN g8 AND (
          v8 IS NULL
        ) THEN ';headcount_adds_180d' ELSE '' END || CASE WHEN g9 AND (
          v9 IS NULL
        ) THEN ';web_traffic' ELSE '' END || CASE WHEN g10 AND (
          v10 IS NULL
        ) THEN ';traffic_growth_90d' ELSE '' END || CASE WHEN g11 AND (
          v11 IS NULL
        ) THEN ';funding_total' ELSE '' END || CASE WHEN g12 AND (
          v12 IS NULL
        ) THEN ';funding_undisclosed' ELSE '' END || CASE WHEN g13 AND (
          v13 IS NULL
        ) THEN ';investors' ELSE '' END || CASE WHEN g14 AND (
          v14 IS NULL
        ) THEN ';tags' ELSE '' END || CASE WHEN g15 AND (
          v15 IS NULL
        ) THEN ';tag_types' ELSE '' END,
        2
      ),
      ''
    ) AS unreadable_text,
    NULLIF(
      SUBSTRING(
        CASE WHEN v0 IS NULL THEN ';role' ELSE '' END || CASE WHEN v1 IS NULL THEN ';signup_domain' ELSE '' END || CASE WHEN v2 IS NULL THEN ';profile_found' ELSE '' END || CASE WHEN v3 IS NULL THEN ';company_type' ELSE '' END || CASE WHEN v4 IS NULL THEN ';description' ELSE '' END || CASE WHEN v5 IS NULL THEN ';headcount' ELSE '' END || CASE WHEN v6 IS NULL THEN ';engineering_headcount' ELSE '' END || CASE WHEN v7 IS NULL THEN ';headcount_growth_180d' ELSE '' END || CASE WHEN v8 IS NULL THEN ';headcount_adds_180d' ELSE '' END || CASE WHEN v9 IS NULL THEN ';web_traffic' ELSE '' END || CASE WHEN v10 IS NULL THEN ';traffic_growth_90d' ELSE '' END || CASE WHEN v11 IS NULL THEN ';funding_total' ELSE '' END || CASE WHEN v12 IS NULL THEN ';funding_undisclosed' ELSE '' END || CASE WHEN v13 IS NULL THEN ';investors' ELSE '' END || CASE WHEN v14 IS NULL THEN ';tags' ELSE '' END || CASE WHEN v15 IS NULL THEN ';tag_types' ELSE '' END,
        2
      ),
      ''
    ) AS unknown_text
  FROM l1
  LIMIT -1
  OFFSET 0
), l3 AS (
  SELECT
    *,
    CASE
      WHEN h0 IS NULL
      THEN CASE WHEN s0 >= 70 THEN 3 WHEN s0 >= 55 THEN 3 WHEN s0 >= 40 THEN 2 ELSE 1 END
      WHEN h0
      THEN CASE WHEN s0 >= 70 THEN 4 WHEN s0 >= 55 THEN 3 WHEN s0 >= 40 THEN 2 ELSE 1 END
    END AS r0,
    CASE
      WHEN COALESCE(h0, TRUE) AND e0
      THEN (
        CASE
          WHEN s0 >= 70
          THEN CASE WHEN h0 IS NULL THEN 3 ELSE 4 END
          WHEN s0 >= 55
          THEN 3
          WHEN s0 >= 40
          THEN 2
          ELSE 1
        END
      ) * 119025 + (
        s0 + 171
      ) * 345 + 1
      ELSE -1
    END AS k0
  FROM l2
  LIMIT -1
  OFFSET 0
), l5 AS (
  SELECT
    *,
    k0 AS best
  FROM l3
  LIMIT -1
  OFFSET 0
), l6 AS (
  SELECT
    *,
    CASE WHEN best < 0 THEN CAST(NULL AS TEXT) WHEN best = k0 THEN 'fit' END AS o_best_profile,
    CASE
      WHEN best < 0
      THEN CAST(NULL AS TEXT)
      WHEN best = k0
      THEN 'AI-pilled software teams, backed by leading investors or real revenue'
    END AS o_best_profile_title,
    CASE
      WHEN d0
      THEN 'D'
      WHEN gt0 OR gt1
      THEN CAST(NULL AS TEXT)
      WHEN best < 0 AND (
        COALESCE(h0, TRUE)
      )
      THEN CAST(NULL AS TEXT)
      WHEN best < 0
      THEN 'D'
      WHEN best >= 476100
      THEN 'A'
      WHEN best >= 357075
      THEN 'B'
      WHEN best >= 238050
      THEN 'C'
      ELSE 'D'
    END AS o_tier,
    CASE
      WHEN d0
      THEN 0
      WHEN (
        gt0 OR gt1
      ) OR (
        best < 0 AND (
          COALESCE(h0, TRUE)
        )
      )
      THEN NULL
      ELSE CASE WHEN best < 0 THEN 0 WHEN best = k0 THEN s0 END
    END AS o_score,
    CASE
      WHEN d0
      THEN 'disqualified'
      WHEN gt0
      THEN 'not_found'
      WHEN gt1
      THEN 'insufficient_data'
      WHEN best < 0 AND (
        COALESCE(h0, TRUE)
      )
      THEN 'insufficient_data'
      ELSE 'scored'
    END AS o_status,
    NULLIF(SUBSTRING(CASE WHEN d0 THEN ';not-who-we-build-for' ELSE '' END, 2), '') AS o_disqualified_by,
    CASE
      WHEN (
        NOT d0
      )
      AND (
        NOT (
          (
            gt0 OR gt1
          ) OR (
            best < 0 AND (
              COALESCE(h0, TRUE)
            )
          )
        )
      )
      THEN fl0
    END AS o_fl0,
    CASE
      WHEN (
        NOT d0
      )
      AND (
        NOT (
          (
            gt0 OR gt1
          ) OR (
            best < 0 AND (
              COALESCE(h0, TRUE)
            )
          )
        )
      )
      THEN fl1
    END AS o_fl1,
    CASE
      WHEN (
        NOT d0
      )
      AND (
        NOT (
          (
            gt0 OR gt1
          ) OR (
            best < 0 AND (
              COALESCE(h0, TRUE)
            )
          )
        )
      )
      THEN fl2
    END AS o_fl2,
    CASE
      WHEN (
        NOT d0
      )
      AND (
        NOT (
          (
            gt0 OR gt1
          ) OR (
            best < 0 AND (
              COALESCE(h0, TRUE)
            )
          )
        )
      )
      THEN fl3
    END AS o_fl3
  FROM l5
)
SELECT
  icp_id AS account_id,
  o_best_profile AS icp_best_profile,
  o_best_profile_title AS icp_best_profile_title,
  o_tier AS icp_tier,
  o_score AS icp_score,
  o_disqualified_by AS icp_disqualified_by,
  unknown_text AS icp_unknown_fields,
  unreadable_text AS icp_unreadable_fields,
  CASE
    WHEN d0
    THEN 'disqualified: Students and schools (' || CASE
      WHEN dq0_0
      THEN 'Signed up as a student'
      WHEN dq0_1
      THEN 'An actual school or university'
    END || ')'
    WHEN (
      gt0 OR gt1
    ) OR (
      best < 0 AND (
        COALESCE(h0, TRUE)
      )
    )
    THEN CASE
      WHEN o_status = 'insufficient_data'
      THEN COALESCE(
        'insufficient data: ' || NULLIF(
          SUBSTRING(
            CASE
              WHEN gt1
              THEN CASE WHEN v5 IS NULL THEN ', no Headcount' ELSE '' END || CASE WHEN v9 IS NULL THEN ', no Monthly web traffic' ELSE '' END || CASE WHEN v11 IS NULL THEN ', no Total funding' ELSE '' END || CASE WHEN v13 IS NULL THEN ', no Investors' ELSE '' END || CASE WHEN v14 IS NULL THEN ', no Tags' ELSE '' END
              ELSE ''
            END,
            3
          ),
          ''
        ),
        'insufficient data'
      )
      ELSE 'not scored: ' || o_status
    END
    WHEN best < 0
    THEN 'D: no profile fits' || ''
    ELSE o_tier || ' for ' || o_best_profile || ': ' || CAST(o_score AS TEXT) || ' pts' || CASE
      WHEN best = k0
      THEN CASE WHEN why0 = '' THEN '' ELSE '; ' || SUBSTRING(why0, 3) END
      ELSE ''
    END || CASE
      WHEN (
        best = k0
      ) AND (
        h0 IS NULL
      ) AND (
        miss0 <> ''
      )
      THEN CASE WHEN s0 >= 70 THEN '; capped, not known: ' ELSE '; not known: ' END || SUBSTRING(miss0, 3)
      ELSE ''
    END || CASE
      WHEN o_tier <> 'D'
      AND CASE
        WHEN dq0_0 IS NULL
        THEN ', Students and schools (Signed up as a student)'
        ELSE ''
      END || CASE
        WHEN dq0_1 IS NULL
        THEN ', Students and schools (An actual school or university)'
        ELSE ''
      END <> ''
      THEN '; at risk: ' || SUBSTRING(
        CASE
          WHEN dq0_0 IS NULL
          THEN ', Students and schools (Signed up as a student)'
          ELSE ''
        END || CASE
          WHEN dq0_1 IS NULL
          THEN ', Students and schools (An actual school or university)'
          ELSE ''
        END,
        3
      )
      ELSE ''
    END
  END AS icp_reason,
  o_status AS icp_status,
  o_fl0 AS icp_flag_low_confidence,
  o_fl1 AS icp_flag_agency,
  o_fl2 AS icp_flag_nonprofit,
  o_fl3 AS icp_flag_quality_investor,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE s0 END AS icp_fit_score,
  CASE
    WHEN o_tier IS NULL
    THEN NULL
    WHEN r0 = 4
    THEN 'A'
    WHEN r0 = 3
    THEN 'B'
    WHEN r0 = 2
    THEN 'C'
    WHEN r0 = 1
    THEN 'D'
  END AS icp_fit_tier,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_0 END AS icp_fit_traction,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_1 END AS icp_fit_traffic_level,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_2 END AS icp_fit_traffic_growth,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_3 END AS icp_fit_capital,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_4 END AS icp_fit_funding,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_5 END AS icp_fit_ai_pilled,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_6 END AS icp_fit_headcount_growth,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE g0_7 END AS icp_fit_software_relevance
FROM l6
