WITH src AS (
  SELECT
    account_id AS icp_id,
    CASE WHEN country IN ('') THEN FALSE ELSE NOT country IS NULL END AS g0,
    NOT employees IS NULL AS g1,
    NOT annual_revenue IS NULL AS g2,
    CASE WHEN profitability IN ('') THEN FALSE ELSE NOT profitability IS NULL END AS g3,
    CASE WHEN industry IN ('') THEN FALSE ELSE NOT industry IS NULL END AS g4,
    CASE
      WHEN (
        TRIM(
          ARRAY_TO_STRING(tech_stack, ''),
          CHR(  9) || CHR(  10) || CHR(  11) || CHR(  12) || CHR(  13) || CHR(  133) || '   ᠎           ​    ⁠　﻿'
        ) = ''
      )
      OR (
        LENGTH(ARRAY_TO_STRING(tech_stack, '', '\x1f')) > LENGTH(REPLACE(ARRAY_TO_STRING(tech_stack, '', '\x1f'), '\x1f', ''))
      )
      THEN FALSE
      ELSE NOT tech_stack IS NULL
    END AS g5,
    CASE
      WHEN (
        TRIM(
          ARRAY_TO_STRING(services_needed, ''),
          CHR(  9) || CHR(  10) || CHR(  11) || CHR(  12) || CHR(  13) || CHR(  133) || '   ᠎           ​    ⁠　﻿'
        ) = ''
      )
      OR (
        LENGTH(ARRAY_TO_STRING(services_needed, '', '\x1f')) > LENGTH(REPLACE(ARRAY_TO_STRING(services_needed, '', '\x1f'), '\x1f', ''))
      )
      THEN FALSE
      ELSE NOT services_needed IS NULL
    END AS g6,
    CASE WHEN funding_stage IN ('') THEN FALSE ELSE NOT funding_stage IS NULL END AS g7,
    NOT last_funding_date IS NULL AS g8,
    NOT growth_rate IS NULL AS g9,
    NOT it_budget IS NULL AS g10,
    NOT erp_deployed IS NULL AS g11,
    NOT founded_year IS NULL AS g12,
    NOT buys_through_tenders IS NULL AS g13,
    CASE WHEN ownership IN ('') THEN FALSE ELSE NOT ownership IS NULL END AS g14,
    CASE
      WHEN country IN (
        'AD',
        'AE',
        'AF',
        'AG',
        'AI',
        'AL',
        'AM',
        'AO',
        'AQ',
        'AR',
        'AS',
        'AT',
        'AU',
        'AW',
        'AX',
        'AZ',
        'BA',
        'BB',
        'BD',
        'BE',
        'BF',
        'BG',
        'BH',
        'BI',
        'BJ',
        'BL',
        'BM',
        'BN',
        'BO',
        'BQ',
        'BR',
        'BS',
        'BT',
        'BV',
        'BW',
        'BY',
        'BZ',
        'CA',
        'CC',
        'CD',
        'CF',
        'CG',
        'CH',
        'CI',
        'CK',
        'CL',
        'CM',
        'CN',
        'CO',
        'CR',
        'CU',
        'CV',
        'CW',
        'CX',
        'CY',
        'CZ',
        'DE',
        'DJ',
        'DK',
        'DM',
        'DO',
        'DZ',
        'EC',
        'EE',
        'EG',
        'EH',
        'ER',
        'ES',
        'ET',
        'FI',
        'FJ',
        'FK',
        'FM',
        'FO',
        'FR',
        'GA',
        'GB',
        'GD',
        'GE',
        'GF',
        'GG',
        'GH',
        'GI',
        'GL',
        'GM',
        'GN',
        'GP',
        'GQ',
        'GR',
        'GS',
        'GT',
        'GU',
        'GW',
        'GY',
        'HK',
        'HM',
        'HN',
        'HR',
        'HT',
        'HU',
        'ID',
        'IE',
        'IL',
        'IM',
        'IN',
        'IO',
        'IQ',
        'IR',
        'IS',
        'IT',
        'JE',
        'JM',
        'JO',
        'JP',
        'KE',
        'KG',
        'KH',
        'KI',
        'KM',
        'KN',
        'KP',
        'KR',
        'KW',
        'KY',
        'KZ',
        'LA',
        'LB',
        'LC',
        'LI',
        'LK',
        'LR',
        'LS',
        'LT',
        'LU',
        'LV',
        'LY',
        'MA',
        'MC',
        'MD',
        'ME',
        'MF',
        'MG',
        'MH',
        'MK',
        'ML',
        'MM',
        'MN',
        'MO',
        'MP',
        'MQ',
        'MR',
        'MS',
        'MT',
        'MU',
        'MV',
        'MW',
        'MX',
        'MY',
        'MZ',
        'NA',
        'NC',
        'NE',
        'NF',
        'NG',
        'NI',
        'NL',
        'NO',
        'NP',
        'NR',
        'NU',
        'NZ',
        'OM',
        'PA',
        'PE',
        'PF',
        'PG',
        'PH',
        'PK',
        'PL',
        'PM',
        'PN',
        'PR',
        'PS',
        'PT',
        'PW',
        'PY',
        'QA',
        'RE',
        'RO',
        'RS',
        'RU',
        'RW',
        'SA',
        'SB',
        'SC',
        'SD',
        'SE',
        'SG',
        'SH',
        'SI',
        'SJ',
        'SK',
        'SL',
        'SM',
        'SN',
        'SO',
        'SR',
        'SS',
        'ST',
        'SV',
        'SX',
        'SY',
        'SZ',
        'TC',
        'TD',
        'TF',
        'TG',
        'TH',
        'TJ',
        'TK',
        'TL',
        'TM',
        'TN',
        'TO',
        'TR',
        'TT',
        'TV',
        'TW',
        'TZ',
        'UA',
        'UG',
        'UM',
        'US',
        'UY',
        'UZ',
        'VA',
        'VC',
        'VE',
        'VG',
        'VI',
        'VN',
        'VU',
        'WF',
        'WS',
        'YE',
        'YT',
        'ZA',
        'ZM',
        'ZW'
      )
      THEN country
    END AS v0,
    CASE
      WHEN (
        employees >= 1.0
      ) AND (
        employees <= 1.7976931348623157e+308
      )
      THEN employees
    END AS v1,
    CASE
      WHEN (
        annual_revenue >= 0.0
      ) AND (
        annual_revenue <= 1.7976931348623157e+308
      )
      THEN annual_revenue
    END AS v2,
    CASE
      WHEN profitability IN (
        'profitable_growing',
        'profitable_stable',
        'returning_to_profit',
        'loss_making',
        'declining'
      )
      THEN profitability
    END AS v3,
    CASE
      WHEN industry IN (
        'software',
        'saas',
        'fintech',
        'healthtech',
        'edtech',
        'martech',
        'hrtech',
        'security',
        'ecommerce',
        'gaming',
        'manufacturing',
        'automotive',
        'industrial_machinery',
        'chemicals',
        'electronics',
        'food_production',
        'apparel',
        'furniture',
        'aerospace',
        'pharma',
        'mining',
        'energy',
        'utilities',
        'biotech',
        'healthcare',
        'education',
        'government',
        'non_profit',
        'travel',
        'hospitality',
        'retail',
        'logistics',
        'construction',
        'real_estate',
        'telecom',
        'media',
        'consulting',
        'legal',
        'insurance',
        'banking',
        'agriculture',
        'entertainment',
        'environmental',
        'sports_recreation',
        'professional_services',
        'wholesale',
        'research',
        'marketing_advertising',
        'other'
      )
      THEN industry
    END AS v4,
    CASE
      WHEN LENGTH(ARRAY_TO_STRING(tech_stack, '', '\x1f')) > LENGTH(REPLACE(ARRAY_TO_STRING(tech_stack, '', '\x1f'), '\x1f', ''))
      THEN NULL
      ELSE CASE
        WHEN REPLACE(
          REGEXP_REPLACE(
            REPLACE(REPLACE(ARRAY_TO_STRING(tech_stack, '\x1e'), ';', ' '), '\x1e', ';') || ';',
            '(salesforce|hubspot|outreach|salesloft|gong|zoominfo|marketo|pipedrive|zendesk|intercom|slack|microsoft365|google_workspace|sharepoint|sap_erp|oracle_erp|netsuite|dynamics365|workday|dotnet|python|java|javascript|php|go|aws|azure|gcp|snowflake|jira);',
            ''
          ),
          ';',
          ''
        ) = ''
        THEN ';' || REPLACE(REPLACE(ARRAY_TO_STRING(tech_stack, '\x1e'), ';', ' '), '\x1e', ';') || ';'
        ELSE ';' || REPLACE(REPLACE(ARRAY_TO_STRING(tech_stack, '\x1e'), ';', ' '), '\x1e', ';') || ';\x1f;'
      END
    END AS v5,
    CASE
      WHEN LENGTH(ARRAY_TO_STRING(services_needed, '', '\x1f')) > LENGTH(REPLACE(ARRAY_TO_STRING(services_needed, '', '\x1f'), '\x1f', ''))
      THEN NULL
      WHEN TRIM(
        ARRAY_TO_STRING(services_needed, ''),
        CHR(  9) || CHR(  10) || CHR(  11) || CHR(  12) || CHR(  13) || CHR(  133) || '   ᠎           ​    ⁠　﻿'
      ) = ''
      THEN NULL
      ELSE CASE
        WHEN REPLACE(
          REGEXP_REPLACE(
            REPLACE(REPLACE(ARRAY_TO_STRING(services_needed, '\x1e'), ';', ' '), '\x1e', ';') || ';',
            '(dedicated_team|staff_augmentation|document_automation|distributor_portal|training_platform|data_engineering|qa_testing|devops|crm_integration|revops_automation);',
            ''
          ),
          ';',
          ''
        ) = ''
        THEN ';' || REPLACE(REPLACE(ARRAY_TO_STRING(services_needed, '\x1e'), ';', ' '), '\x1e', ';') || ';'
        ELSE ';' || REPLACE(REPLACE(ARRAY_TO_STRING(services_needed, '\x1e'), ';', ' '), '\x1e', ';') || ';\x1f;'
      END
    END AS v6,
    CASE
      WHEN funding_stage IN (
        'bootstrapped',
        'seed',
        'series_a',
        'series_b',
        'series_c',
        'series_d_plus',
        'private_equity',
        'public'
      )
      THEN funding_stage
    END AS v7,
    CASE
      WHEN last_funding_date BETWEEN CAST('0001-01-01' AS DATE) AND CAST('9999-12-31' AS DATE)
      THEN last_funding_date
    END AS v8,
    CASE
      WHEN (
        growth_rate >= -1.7976931348623157E+308
      )
      AND (
        growth_rate <= 1.7976931348623157e+308
      )
      THEN growth_rate
    END AS v9,
    CASE
      WHEN (
        it_budget >= 0.0
      ) AND (
        it_budget <= 1.7976931348623157e+308
      )
      THEN it_budget
    END AS v10,
    erp_deployed AS v11,
    CASE
      WHEN (
        founded_year >= 1600.0
      ) AND (
        founded_year <= 2100.0
      )
      THEN founded_year
    END AS v12,
    buys_through_tenders AS v13,
    CASE
      WHEN ownership IN (
        'founder_owned',
        'venture_backed',
        'private_equity',
        'public_listed',
        'state_owned',
        'non_profit'
      )
      THEN ownership
    END AS v14
  FROM crm.accounts
), l1 AS (
  SELECT
    *,
    (
      v1 < 10
    ) AND (
      v7 IN ('bootstrapped', 'seed')
    ) AS dq0_0,
    v3 = 'loss_making' AS wm0_0,
    v3 = 'declining' AS wm0_1,
    (
      v1 > 1000
    ) AND (
      v13 = TRUE
    ) AS dq1_0,
    (
      v1 > 1000
    )
    AND (
      v7 = 'public'
    )
    AND (
      v4 IN (
        'utilities',
        'energy',
        'telecom',
        'banking',
        'insurance',
        'aerospace',
        'healthcare',
        'pharma',
        'automotive',
        'mining'
      )
    ) AS dq1_1,
    v1 > 1000 AS wm1_0,
    v4 IN ('government', 'education', 'non_profit') AS dq2_0,
    v14 = 'state_owned' AS wm2_0,
    (
      v0 IN (
        'US',
        'CA',
        'GB',
        'IE',
        'DE',
        'AT',
        'CH',
        'DK',
        'SE',
        'NO',
        'FI',
        'IS',
        'BE',
        'NL',
        'LU',
        'AU',
        'NZ'
      )
    )
    OR (
      v0 = 'FR'
    ) AS rq0_0,
    v4 IN (
      'software',
      'saas',
      'fintech',
      'healthtech',
      'edtech',
      'martech',
      'hrtech',
      'security',
      'ecommerce'
    ) AS rq0_1,
    v1 BETWEEN 50 AND 1000 AS rq0_2,
    (
      (
        INSTR(v5, ';dotnet;') > 0
      ) OR (
        INSTR(v5, ';python;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS rq0_3,
    v9 >= 20 AS m0_0,
    v7 IN ('series_a', 'series_b', 'series_c') AS m0_1,
    v10 >= 500000 AS m0_2,
    (
      (
        INSTR(v5, ';aws;') > 0
      ) OR (
        INSTR(v5, ';azure;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS m0_3,
    v1 BETWEEN 100 AND 500 AS m0_4,
    (
      (
        INSTR(v6, ';dedicated_team;') > 0
      )
      OR (
        INSTR(v6, ';staff_augmentation;') > 0
      )
    )
    OR NULLIF(INSTR(v6, '\x1f') > 0, TRUE) AS m0_5,
    v3 IN ('profitable_growing', 'returning_to_profit') AS m0_6,
    v0 IN (
      'GB',
      'IE',
      'AT',
      'BE',
      'BG',
      'HR',
      'CY',
      'CZ',
      'DK',
      'EE',
      'FI',
      'FR',
      'DE',
      'GR',
      'HU',
      'IT',
      'LV',
      'LT',
      'LU',
      'MT',
      'NL',
      'PL',
      'PT',
      'RO',
      'SK',
      'SI',
      'ES',
      'SE'
    ) AS rq1_0,
    v4 IN (
      'manufacturing',
      'automotive',
      'industrial_machinery',
      'chemicals',
      'electronics',
      'food_production',
      'apparel',
      'furniture'
    ) AS rq1_1,
    v1 BETWEEN 200 AND 5000 AS rq1_2,
    v2 >= 20000000 AS rq1_3,
    v11 = TRUE AS rq1_4,
    (
      (
        INSTR(v6, ';document_automation;') > 0
      )
      OR (
        INSTR(v6, ';distributor_portal;') > 0
      )
      OR (
        INSTR(v6, ';training_platform;') > 0
      )
    )
    OR NULLIF(INSTR(v6, '\x1f') > 0, TRUE) AS m1_0,
    (
      (
        INSTR(v5, ';sap_erp;') > 0
      ) OR (
        INSTR(v5, ';dynamics365;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS m1_1,
    v10 >= 1000000 AS m1_2,
    v9 >= 5 AS m1_3,
    v12 < 1990 AS m1_4,
    (
      (
        INSTR(v5, ';microsoft365;') > 0
      ) OR (
        INSTR(v5, ';sharepoint;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS m1_5,
    v1 BETWEEN 500 AND 2000 AS m1_6,
    v0 IN ('US', 'CA') AS rq2_0,
    v4 IN ('saas', 'software', 'martech', 'hrtech', 'fintech', 'security') AS rq2_1,
    v1 BETWEEN 50 AND 2000 AS rq2_2,
    (
      (
        INSTR(v5, ';salesforce;') > 0
      ) AND (
        INSTR(v5, ';outreach;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS rq2_3,
    v7 IN ('series_a', 'series_b', 'series_c') AS rq2_4,
    v9 >= 30 AS m2_0,
    v2 BETWEEN 5000000 AND 100000000 AS m2_1,
    v7 IN ('series_b', 'series_c') AS m2_2,
    (
      (
        INSTR(v5, ';gong;') > 0
      ) OR (
        INSTR(v5, ';zoominfo;') > 0
      )
    )
    OR NULLIF(INSTR(v5, '\x1f') > 0, TRUE) AS m2_3,
    CASE
      WHEN v8 > CAST('2026-11-01' AS DATE)
      THEN NULL
      ELSE v8 >= CAST('2025-11-01' AS DATE)
    END AS m2_4,
    v10 >= 250000 AS m2_5
  FROM src
), l2 AS (
  SELECT
    *,
    COALESCE(dq0_0, FALSE) AS d0,
    COALESCE((
      dq1_0 OR dq1_1
    ), FALSE) AS d1,
    COALESCE(dq2_0, FALSE) AS d2,
    rq0_0 AND rq0_1 AND rq0_2 AND rq0_3 AS h0,
    (
      (
        CASE WHEN rq0_0 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq0_1 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq0_2 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq0_3 IS NULL THEN 0 ELSE 1 END
      )
    ) >= 1 AS e0,
    CASE WHEN m0_0 THEN 20 ELSE 0 END + CASE WHEN m0_1 THEN 15 ELSE 0 END + CASE WHEN m0_2 THEN 20 ELSE 0 END + CASE WHEN m0_3 THEN 10 ELSE 0 END + CASE WHEN m0_4 THEN 15 ELSE 0 END + CASE WHEN m0_5 THEN 10 ELSE 0 END + CASE WHEN m0_6 THEN 10 ELSE 0 END + CASE WHEN wm0_0 THEN -10 ELSE 0 END + CASE WHEN wm0_1 THEN -15 ELSE 0 END + CASE WHEN wm1_0 THEN -10 ELSE 0 END + CASE WHEN wm2_0 THEN -20 ELSE 0 END AS s0,
    CASE WHEN m0_0 THEN ', Growing 20% a year or more' ELSE '' END || CASE WHEN m0_1 THEN ', Raised Series A, B or C' ELSE '' END || CASE WHEN m0_2 THEN ', IT budget of 500,000 USD or more' ELSE '' END || CASE WHEN m0_3 THEN ', Runs on AWS or Azure' ELSE '' END || CASE WHEN m0_4 THEN ', Between 100 and 500 employees' ELSE '' END || CASE
      WHEN m0_5
      THEN ', Looking for a dedicated team or staff augmentation'
      ELSE ''
    END || CASE WHEN m0_6 THEN ', Profits growing or returning' ELSE '' END AS why0,
    CASE WHEN v0 IS NULL THEN ', Country' ELSE '' END || CASE WHEN v4 IS NULL THEN ', Industry' ELSE '' END || CASE WHEN v1 IS NULL THEN ', Employees' ELSE '' END || CASE WHEN v5 IS NULL THEN ', Tech stack' ELSE '' END AS miss0,
    rq1_0 AND rq1_1 AND rq1_2 AND rq1_3 AND rq1_4 AS h1,
    (
      (
        CASE WHEN rq1_0 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq1_1 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq1_2 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq1_3 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq1_4 IS NULL THEN 0 ELSE 1 END
      )
    ) >= 1 AS e1,
    CASE WHEN m1_0 THEN 25 ELSE 0 END + CASE WHEN m1_1 THEN 20 ELSE 0 END + CASE WHEN m1_2 THEN 15 ELSE 0 END + CASE WHEN m1_3 THEN 10 ELSE 0 END + CASE WHEN m1_4 THEN 10 ELSE 0 END + CASE WHEN m1_5 THEN 10 ELSE 0 END + CASE WHEN m1_6 THEN 10 ELSE 0 END + CASE WHEN wm0_0 THEN -10 ELSE 0 END + CASE WHEN wm0_1 THEN -15 ELSE 0 END + CASE WHEN wm1_0 THEN -10 ELSE 0 END + CASE WHEN wm2_0 THEN -20 ELSE 0 END AS s1,
    CASE
      WHEN m1_0
      THEN ', Needs document automation, a distributor portal or a training platform'
      ELSE ''
    END || CASE WHEN m1_1 THEN ', Runs SAP or Dynamics 365' ELSE '' END || CASE WHEN m1_2 THEN ', IT budget of 1 million USD or more' ELSE '' END || CASE WHEN m1_3 THEN ', Growing 5% a year or more' ELSE '' END || CASE WHEN m1_4 THEN ', Founded before 1990' ELSE '' END || CASE WHEN m1_5 THEN ', Uses Microsoft 365 or SharePoint' ELSE '' END || CASE WHEN m1_6 THEN ', Between 500 and 2,000 employees' ELSE '' END AS why1,
    CASE WHEN v0 IS NULL THEN ', Country' ELSE '' END || CASE WHEN v4 IS NULL THEN ', Industry' ELSE '' END || CASE WHEN v1 IS NULL THEN ', Employees' ELSE '' END || CASE WHEN v2 IS NULL THEN ', Annual revenue' ELSE '' END || CASE WHEN v11 IS NULL THEN ', ERP deployed' ELSE '' END AS miss1,
    rq2_0 AND rq2_1 AND rq2_2 AND rq2_3 AND rq2_4 AS h2,
    (
      (
        CASE WHEN rq2_0 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq2_1 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq2_2 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq2_3 IS NULL THEN 0 ELSE 1 END
      ) + (
        CASE WHEN rq2_4 IS NULL THEN 0 ELSE 1 END
      )
    ) >= 1 AS e2,
    CASE WHEN m2_0 THEN 25 ELSE 0 END + CASE WHEN m2_1 THEN 20 ELSE 0 END + CASE WHEN m2_2 THEN 15 ELSE 0 END + CASE WHEN m2_3 THEN 15 ELSE 0 END + CASE WHEN m2_4 THEN 15 ELSE 0 END + CASE WHEN m2_5 THEN 10 ELSE 0 END + CASE WHEN wm0_0 THEN -10 ELSE 0 END + CASE WHEN wm0_1 THEN -15 ELSE 0 END + CASE WHEN wm1_0 THEN -10 ELSE 0 END + CASE WHEN wm2_0 THEN -20 ELSE 0 END AS s2,
    CASE WHEN m2_0 THEN ', Growing 30% a year or more' ELSE '' END || CASE WHEN m2_1 THEN ', Revenue between 5 and 100 million USD' ELSE '' END || CASE WHEN m2_2 THEN ', Raised Series B or C' ELSE '' END || CASE WHEN m2_3 THEN ', Uses Gong or ZoomInfo' ELSE '' END || CASE WHEN m2_4 THEN ', Raised its last round in the past 12 months' ELSE '' END || CASE WHEN m2_5 THEN ', IT budget of 250,000 USD or more' ELSE '' END AS why2,
    CASE WHEN v0 IS NULL THEN ', Country' ELSE '' END || CASE WHEN v4 IS NULL THEN ', Industry' ELSE '' END || CASE WHEN v1 IS NULL THEN ', Employees' ELSE '' END || CASE WHEN v5 IS NULL THEN ', Tech stack' ELSE '' END || CASE WHEN v7 IS NULL THEN ', Funding stage' ELSE '' END AS miss2,
    NULLIF(
      SUBSTRING(
        CASE WHEN g0 AND (
          v0 IS NULL
        ) THEN ';country' ELSE '' END || CASE WHEN g1 AND (
          v1 IS NULL
        ) THEN ';employees' ELSE '' END || CASE WHEN g2 AND (
          v2 IS NULL
        ) THEN ';annual_revenue' ELSE '' END || CASE WHEN g3 AND (
          v3 IS NULL
        ) THEN ';profitability' ELSE '' END || CASE WHEN g4 AND (
          v4 IS NULL
        ) THEN ';industry' ELSE '' END || CASE
          WHEN g5 AND (
            v5 IS NULL OR COALESCE(INSTR(v5, '\x1f') > 0, FALSE)
          )
          THEN ';tech_stack'
          ELSE ''
        END || CASE
          WHEN g6 AND (
            v6 IS NULL OR COALESCE(INSTR(v6, '\x1f') > 0, FALSE)
          )
          THEN ';services_needed'
          ELSE ''
        END || CASE WHEN g7 AND (
          v7 IS NULL
        ) THEN ';funding_stage' ELSE '' END || CASE WHEN g8 AND (
          v8 IS NULL
        ) THEN ';last_funding_date' ELSE '' END || CASE WHEN g9 AND (
          v9 IS NULL
        ) THEN ';growth_rate' ELSE '' END || CASE WHEN g10 AND (
          v10 IS NULL
        ) THEN ';it_budget' ELSE '' END || CASE WHEN g11 AND (
          v11 IS NULL
        ) THEN ';erp_deployed' ELSE '' END || CASE WHEN g12 AND (
          v12 IS NULL
        ) THEN ';founded_year' ELSE '' END || CASE WHEN g13 AND (
          v13 IS NULL
        ) THEN ';buys_through_tenders' ELSE '' END || CASE WHEN g14 AND (
          v14 IS NULL
        ) THEN ';ownership' ELSE '' END,
        2
      ),
      ''
    ) AS unreadable_text,
    NULLIF(
      SUBSTRING(
        CASE WHEN v0 IS NULL THEN ';country' ELSE '' END || CASE WHEN v1 IS NULL THEN ';employees' ELSE '' END || CASE WHEN v2 IS NULL THEN ';annual_revenue' ELSE '' END || CASE WHEN v3 IS NULL THEN ';profitability' ELSE '' END || CASE WHEN v4 IS NULL THEN ';industry' ELSE '' END || CASE WHEN v5 IS NULL THEN ';tech_stack' ELSE '' END || CASE WHEN v6 IS NULL THEN ';services_needed' ELSE '' END || CASE WHEN v7 IS NULL THEN ';funding_stage' ELSE '' END || CASE WHEN v8 IS NULL THEN ';last_funding_date' ELSE '' END || CASE WHEN v9 IS NULL THEN ';growth_rate' ELSE '' END || CASE WHEN v10 IS NULL THEN ';it_budget' ELSE '' END || CASE WHEN v11 IS NULL THEN ';erp_deployed' ELSE '' END || CASE WHEN v12 IS NULL THEN ';founded_year' ELSE '' END || CASE WHEN v13 IS NULL THEN ';buys_through_tenders' ELSE '' END || CASE WHEN v14 IS NULL THEN ';ownership' ELSE '' END,
        2
      ),
      ''
    ) AS unknown_text
  FROM l1
), l3 AS (
  SELECT
    *,
    CASE
      WHEN h0 IS NULL
      THEN CASE WHEN s0 >= 80 THEN 3 WHEN s0 >= 60 THEN 3 WHEN s0 >= 40 THEN 2 ELSE 1 END
      WHEN h0
      THEN CASE WHEN s0 >= 80 THEN 4 WHEN s0 >= 60 THEN 3 WHEN s0 >= 40 THEN 2 ELSE 1 END
    END AS r0,
    CASE
      WHEN COALESCE(h0, TRUE) AND e0
      THEN (
        CASE
          WHEN s0 >= 80
          THEN CASE WHEN h0 IS NULL THEN 3 ELSE 4 END
          WHEN s0 >= 60
          THEN 3
          WHEN s0 >= 40
          THEN 2
          ELSE 1
        END
      ) * 100489 + (
        s0 + 156
      ) * 317 + 3
      ELSE -1
    END AS k0,
    CASE
      WHEN h1 IS NULL
      THEN CASE WHEN s1 >= 80 THEN 3 WHEN s1 >= 60 THEN 3 WHEN s1 >= 40 THEN 2 ELSE 1 END
      WHEN h1
      THEN CASE WHEN s1 >= 80 THEN 4 WHEN s1 >= 60 THEN 3 WHEN s1 >= 40 THEN 2 ELSE 1 END
    END AS r1,
    CASE
      WHEN COALESCE(h1, TRUE) AND e1
      THEN (
        CASE
          WHEN s1 >= 80
          THEN CASE WHEN h1 IS NULL THEN 3 ELSE 4 END
          WHEN s1 >= 60
          THEN 3
          WHEN s1 >= 40
          THEN 2
          ELSE 1
        END
      ) * 100489 + (
        s1 + 156
      ) * 317 + 2
      ELSE -1
    END AS k1,
    CASE
      WHEN h2 IS NULL
      THEN CASE WHEN s2 >= 80 THEN 3 WHEN s2 >= 60 THEN 3 WHEN s2 >= 40 THEN 2 ELSE 1 END
      WHEN h2
      THEN CASE WHEN s2 >= 80 THEN 4 WHEN s2 >= 60 THEN 3 WHEN s2 >= 40 THEN 2 ELSE 1 END
    END AS r2,
    CASE
      WHEN COALESCE(h2, TRUE) AND e2
      THEN (
        CASE
          WHEN s2 >= 80
          THEN CASE WHEN h2 IS NULL THEN 3 ELSE 4 END
          WHEN s2 >= 60
          THEN 3
          WHEN s2 >= 40
          THEN 2
          ELSE 1
        END
      ) * 100489 + (
        s2 + 156
      ) * 317 + 1
      ELSE -1
    END AS k2
  FROM l2
), l5 AS (
  SELECT
    *,
    GREATEST(k0, k1, k2) AS best
  FROM l3
), l6 AS (
  SELECT
    *,
    CASE
      WHEN best < 0
      THEN CAST(NULL AS STRING)
      WHEN best = k0
      THEN 'western-software-teams'
      WHEN best = k1
      THEN 'uk-eu-manufacturers-docs'
      WHEN best = k2
      THEN 'na-saas-scaleups'
    END AS o_best_profile,
    CASE
      WHEN best < 0
      THEN CAST(NULL AS STRING)
      WHEN best = k0
      THEN 'Western software companies that need dedicated .NET or Python teams'
      WHEN best = k1
      THEN 'UK and EU manufacturers that need document automation'
      WHEN best = k2
      THEN 'North American B2B SaaS scaleups on Salesforce and Outreach'
    END AS o_best_profile_title,
    CASE
      WHEN d0 OR d1 OR d2
      THEN 'D'
      WHEN best < 0
      AND (
        (
          COALESCE(h0, TRUE)
        ) OR (
          COALESCE(h1, TRUE)
        ) OR (
          COALESCE(h2, TRUE)
        )
      )
      THEN CAST(NULL AS STRING)
      WHEN best < 0
      THEN 'D'
      WHEN best >= 401956
      THEN 'A'
      WHEN best >= 301467
      THEN 'B'
      WHEN best >= 200978
      THEN 'C'
      ELSE 'D'
    END AS o_tier,
    CASE
      WHEN (
        best < 0
        AND (
          (
            COALESCE(h0, TRUE)
          ) OR (
            COALESCE(h1, TRUE)
          ) OR (
            COALESCE(h2, TRUE)
          )
        )
      )
      AND NOT (
        d0 OR d1 OR d2
      )
      THEN NULL
      ELSE CASE
        WHEN best < 0
        THEN 0
        WHEN best = k0
        THEN s0
        WHEN best = k1
        THEN s1
        WHEN best = k2
        THEN s2
      END
    END AS o_score,
    CASE
      WHEN d0 OR d1 OR d2
      THEN 'disqualified'
      WHEN best < 0
      AND (
        (
          COALESCE(h0, TRUE)
        ) OR (
          COALESCE(h1, TRUE)
        ) OR (
          COALESCE(h2, TRUE)
        )
      )
      THEN 'insufficient_data'
      ELSE 'scored'
    END AS o_status,
    NULLIF(
      SUBSTRING(
        CASE WHEN d0 THEN ';churn-risk-startups' ELSE '' END || CASE WHEN d1 THEN ';enterprise-tenders' ELSE '' END || CASE WHEN d2 THEN ';public-sector-education' ELSE '' END,
        2
      ),
      ''
    ) AS o_disqualified_by
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
    THEN 'disqualified: Early startups and companies in decline (' || CASE WHEN dq0_0 THEN 'Fewer than 10 employees and no outside funding' END || ')'
    WHEN d1
    THEN 'disqualified: Enterprises over 1,000 employees that buy through tenders (' || CASE
      WHEN dq1_0
      THEN 'Over 1,000 employees and buys through tenders'
      WHEN dq1_1
      THEN 'Listed, over 1,000 employees, in a regulated industry'
    END || ')'
    WHEN d2
    THEN 'disqualified: Public sector, education and non-profits (' || CASE WHEN dq2_0 THEN 'In government, education or the non-profit sector' END || ')'
    WHEN best < 0
    AND (
      (
        COALESCE(h0, TRUE)
      ) OR (
        COALESCE(h1, TRUE)
      ) OR (
        COALESCE(h2, TRUE)
      )
    )
    THEN CASE
      WHEN o_status = 'insufficient_data'
      THEN COALESCE(
        'insufficient data: ' || NULLIF(
          SUBSTRING(
            CASE
              WHEN v0 IS NULL
              AND (
                (
                  COALESCE(h0, TRUE)
                ) OR (
                  COALESCE(h1, TRUE)
                ) OR (
                  COALESCE(h2, TRUE)
                )
              )
              THEN ', no Country'
              ELSE ''
            END || CASE
              WHEN v1 IS NULL
              AND (
                (
                  COALESCE(h0, TRUE)
                ) OR (
                  COALESCE(h1, TRUE)
                ) OR (
                  COALESCE(h2, TRUE)
                )
              )
              THEN ', no Employees'
              ELSE ''
            END || CASE
              WHEN v2 IS NULL AND (
                COALESCE(h1, TRUE)
              )
              THEN ', no Annual revenue'
              ELSE ''
            END || CASE
              WHEN v4 IS NULL
              AND (
                (
                  COALESCE(h0, TRUE)
                ) OR (
                  COALESCE(h1, TRUE)
                ) OR (
                  COALESCE(h2, TRUE)
                )
              )
              THEN ', no Industry'
              ELSE ''
            END || CASE
              WHEN v5 IS NULL AND (
                (
                  COALESCE(h0, TRUE)
                ) OR (
                  COALESCE(h2, TRUE)
                )
              )
              THEN ', no Tech stack'
              ELSE ''
            END || CASE
              WHEN v7 IS NULL AND (
                COALESCE(h2, TRUE)
              )
              THEN ', no Funding stage'
              ELSE ''
            END || CASE
              WHEN v11 IS NULL AND (
                COALESCE(h1, TRUE)
              )
              THEN ', no ERP deployed'
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
    THEN 'D: no profile fits' || CASE
      WHEN LEAST(
        CASE
          WHEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 0
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 1
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 2
          ELSE 40000
        END
      ) = CASE
        WHEN (
          (
            CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 0
        ELSE 40000
      END
      AND CASE
        WHEN (
          (
            CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 0
        ELSE 40000
      END < 40000
      THEN ' (closest: western-software-teams, unmet: ' || CASE
        WHEN rq0_0 IS FALSE
        THEN 'Headquartered in a Western market'
        WHEN rq0_1 IS FALSE
        THEN 'A software company'
        WHEN rq0_2 IS FALSE
        THEN 'Between 50 and 1,000 employees'
        WHEN rq0_3 IS FALSE
        THEN 'Builds on .NET or Python'
      END || ')'
      WHEN LEAST(
        CASE
          WHEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 0
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 1
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 2
          ELSE 40000
        END
      ) = CASE
        WHEN (
          (
            CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 1
        ELSE 40000
      END
      AND CASE
        WHEN (
          (
            CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 1
        ELSE 40000
      END < 40000
      THEN ' (closest: uk-eu-manufacturers-docs, unmet: ' || CASE
        WHEN rq1_0 IS FALSE
        THEN 'Headquartered in the UK or the EU'
        WHEN rq1_1 IS FALSE
        THEN 'A manufacturer'
        WHEN rq1_2 IS FALSE
        THEN 'Between 200 and 5,000 employees'
        WHEN rq1_3 IS FALSE
        THEN 'Revenue of 20 million USD or more'
        WHEN rq1_4 IS FALSE
        THEN 'An ERP system is in production'
      END || ')'
      WHEN LEAST(
        CASE
          WHEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq0_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq0_3 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 0
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq1_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq1_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 1
          ELSE 40000
        END,
        CASE
          WHEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) > 0
          THEN (
            (
              CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
            ) + (
              CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
            )
          ) * 4 + 2
          ELSE 40000
        END
      ) = CASE
        WHEN (
          (
            CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 2
        ELSE 40000
      END
      AND CASE
        WHEN (
          (
            CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) > 0
        THEN (
          (
            CASE WHEN rq2_0 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_1 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_2 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_3 IS FALSE THEN 1 ELSE 0 END
          ) + (
            CASE WHEN rq2_4 IS FALSE THEN 1 ELSE 0 END
          )
        ) * 4 + 2
        ELSE 40000
      END < 40000
      THEN ' (closest: na-saas-scaleups, unmet: ' || CASE
        WHEN rq2_0 IS FALSE
        THEN 'Headquartered in the US or Canada'
        WHEN rq2_1 IS FALSE
        THEN 'A B2B SaaS or software company'
        WHEN rq2_2 IS FALSE
        THEN 'Between 50 and 2,000 employees'
        WHEN rq2_3 IS FALSE
        THEN 'Uses both Salesforce and Outreach'
        WHEN rq2_4 IS FALSE
        THEN 'Raised Series A, B or C'
      END || ')'
      ELSE ''
    END
    ELSE o_tier || ' for ' || o_best_profile || ': ' || CAST(o_score AS STRING) || ' pts' || CASE
      WHEN best = k0
      THEN CASE WHEN why0 = '' THEN '' ELSE '; ' || SUBSTRING(why0, 3) END
      WHEN best = k1
      THEN CASE WHEN why1 = '' THEN '' ELSE '; ' || SUBSTRING(why1, 3) END
      WHEN best = k2
      THEN CASE WHEN why2 = '' THEN '' ELSE '; ' || SUBSTRING(why2, 3) END
      ELSE ''
    END || CASE
      WHEN (
        best = k0
      ) AND (
        h0 IS NULL
      ) AND (
        miss0 <> ''
      )
      THEN CASE WHEN s0 >= 80 THEN '; capped, not known: ' ELSE '; not known: ' END || SUBSTRING(miss0, 3)
      WHEN (
        best = k1
      ) AND (
        h1 IS NULL
      ) AND (
        miss1 <> ''
      )
      THEN CASE WHEN s1 >= 80 THEN '; capped, not known: ' ELSE '; not known: ' END || SUBSTRING(miss1, 3)
      WHEN (
        best = k2
      ) AND (
        h2 IS NULL
      ) AND (
        miss2 <> ''
      )
      THEN CASE WHEN s2 >= 80 THEN '; capped, not known: ' ELSE '; not known: ' END || SUBSTRING(miss2, 3)
      ELSE ''
    END || CASE
      WHEN o_tier <> 'D'
      AND CASE
        WHEN dq0_0 IS NULL
        THEN ', Early startups and companies in decline (Fewer than 10 employees and no outside funding)'
        ELSE ''
      END || CASE
        WHEN dq1_0 IS NULL
        THEN ', Enterprises over 1,000 employees that buy through tenders (Over 1,000 employees and buys through tenders)'
        ELSE ''
      END || CASE
        WHEN dq1_1 IS NULL
        THEN ', Enterprises over 1,000 employees that buy through tenders (Listed, over 1,000 employees, in a regulated industry)'
        ELSE ''
      END || CASE
        WHEN dq2_0 IS NULL
        THEN ', Public sector, education and non-profits (In government, education or the non-profit sector)'
        ELSE ''
      END <> ''
      THEN '; at risk: ' || SUBSTRING(
        CASE
          WHEN dq0_0 IS NULL
          THEN ', Early startups and companies in decline (Fewer than 10 employees and no outside funding)'
          ELSE ''
        END || CASE
          WHEN dq1_0 IS NULL
          THEN ', Enterprises over 1,000 employees that buy through tenders (Over 1,000 employees and buys through tenders)'
          ELSE ''
        END || CASE
          WHEN dq1_1 IS NULL
          THEN ', Enterprises over 1,000 employees that buy through tenders (Listed, over 1,000 employees, in a regulated industry)'
          ELSE ''
        END || CASE
          WHEN dq2_0 IS NULL
          THEN ', Public sector, education and non-profits (In government, education or the non-profit sector)'
          ELSE ''
        END,
        3
      )
      ELSE ''
    END
  END AS icp_reason,
  o_status AS icp_status,
  CASE WHEN r0 IS NULL OR o_tier IS NULL THEN NULL ELSE s0 END AS icp_western_software_teams_score,
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
  END AS icp_western_software_teams_tier,
  CASE WHEN r1 IS NULL OR o_tier IS NULL THEN NULL ELSE s1 END AS icp_uk_eu_manufacturers_docs_score,
  CASE
    WHEN o_tier IS NULL
    THEN NULL
    WHEN r1 = 4
    THEN 'A'
    WHEN r1 = 3
    THEN 'B'
    WHEN r1 = 2
    THEN 'C'
    WHEN r1 = 1
    THEN 'D'
  END AS icp_uk_eu_manufacturers_docs_tier,
  CASE WHEN r2 IS NULL OR o_tier IS NULL THEN NULL ELSE s2 END AS icp_na_saas_scaleups_score,
  CASE
    WHEN o_tier IS NULL
    THEN NULL
    WHEN r2 = 4
    THEN 'A'
    WHEN r2 = 3
    THEN 'B'
    WHEN r2 = 2
    THEN 'C'
    WHEN r2 = 1
    THEN 'D'
  END AS icp_na_saas_scaleups_tier
FROM l6
