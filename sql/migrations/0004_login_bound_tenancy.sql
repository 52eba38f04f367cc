-- The tenancy policies read the tidtam.* settings, which any login may SET. That is right for the
-- service (tidtam_app sets them inside each transaction, and its clients never reach SQL) and for
-- the schema owner, but a plain SQL login granted tidtam_analyst could SET tidtam.district_id, or
-- tidtam.role = 'national', and read every district. From here on every policy reads
--
--     CASE WHEN tidtam_trusted() THEN <the expression it had> ELSE <the login's rule> END
--
-- tidtam_trusted() is true for the service and the owner only, so only they are ruled by the
-- settings. Any other login is bound by its name, which it cannot change: `tidtam_analyst_d12`
-- reads district 12 (tidtam_login_district()) and writes nothing, whatever it SETs; a login of
-- any other name reads nothing.
--
-- Settings and the login's name only, no tables: Citus refuses subqueries in policies. Both
-- functions are one SQL expression, which the planner inlines; each row costs one current_user
-- (a catalog cache lookup). The owner's name is the migrating role's, written in when this runs.
-- Binding logins another way later (a national analyst, say) replaces these two functions only.
DO $$
BEGIN
    EXECUTE format($create$
        CREATE FUNCTION tidtam_trusted() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
            AS $body$ SELECT current_user IN ('tidtam_app', %L) $body$
    $create$, current_user);
END
$$;
COMMENT ON FUNCTION tidtam_trusted() IS
    'True for the roles whose tidtam.* settings the tenancy policies obey: the service (tidtam_app) and the schema owner.';

CREATE FUNCTION tidtam_login_district() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT substring(current_user FROM '^tidtam_analyst_d([0-9]{1,18})$')::bigint $$;
COMMENT ON FUNCTION tidtam_login_district() IS
    'The district an analyst login reads, from its name (tidtam_analyst_d<district id>); NULL, nothing, for any other login.';

-- A policy expression that the settings rule for trusted roles only; `login` is what any other
-- login may do (nothing, unless given).
CREATE FUNCTION tidtam_guarded(expression text, login text DEFAULT 'false') RETURNS text LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT format('CASE WHEN tidtam_trusted() THEN (%s) ELSE (%s) END', expression, login) $$;

-- Guards a table's policies that read a setting and are not guarded yet. An analyst login reads
-- what the table's `<table>_read` policy would show its district, and nothing else anywhere.
-- One mechanism for the tables there are and the tables to come.
CREATE FUNCTION tidtam_guard_policies(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    p record;
    district_column text;
    login text;
BEGIN
    FOR p IN SELECT pol.polname AS name, pg_get_expr(pol.polqual, pol.polrelid) AS qual,
                    pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
             FROM pg_policy pol WHERE pol.polrelid = tbl
    LOOP
        CONTINUE WHEN coalesce(p.qual, '') || coalesce(p.with_check, '') NOT LIKE '%current_setting(''tidtam.%'
                   OR coalesce(p.qual, p.with_check) LIKE '%tidtam_trusted()%';
        district_column := (regexp_match(p.qual, $re$(\w+) = \(NULLIF\(current_setting\('tidtam\.district_id'$re$))[1];
        login := CASE WHEN p.name = (SELECT relname FROM pg_class WHERE oid = tbl) || '_read' AND district_column IS NOT NULL
                      THEN format('%I = tidtam_login_district()', district_column) ELSE 'false' END;
        EXECUTE format('ALTER POLICY %I ON %s', p.name, tbl)
             || coalesce(' USING (' || tidtam_guarded(p.qual, login) || ')', '')
             || coalesce(' WITH CHECK (' || tidtam_guarded(p.with_check) || ')', '');
    END LOOP;
END
$fn$;

-- Tables made from here on: 0001's and 0003's generators make the policies as before (kept
-- under new names, so that their text stays in one place), then they are guarded.
ALTER FUNCTION tidtam_enable_tenancy(regclass, text, text) RENAME TO tidtam_create_tenancy_policies;
ALTER FUNCTION tidtam_share_district_rows(regclass) RENAME TO tidtam_create_district_rows_policy;

CREATE FUNCTION tidtam_enable_tenancy(tbl regclass, district_column text DEFAULT 'district_id',
                                      school_column text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM tidtam_create_tenancy_policies(tbl, district_column, school_column);
    PERFORM tidtam_guard_policies(tbl);
END
$fn$;

CREATE FUNCTION tidtam_share_district_rows(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM tidtam_create_district_rows_policy(tbl);
    PERFORM tidtam_guard_policies(tbl);
END
$fn$;

-- Every table there is.
SELECT tidtam_guard_policies(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND EXISTS (SELECT FROM pg_policy WHERE polrelid = c.oid);
