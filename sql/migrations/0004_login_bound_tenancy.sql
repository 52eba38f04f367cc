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

-- Tables made from here on: the same policies as before, guarded the same way.
CREATE OR REPLACE FUNCTION tidtam_enable_tenancy(tbl regclass, district_column text DEFAULT 'district_id',
                                                 school_column text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    in_district text := format('%I = nullif(current_setting(''tidtam.district_id'', true), '''')::bigint', district_column);
    in_school text := CASE WHEN school_column IS NULL THEN 'true' ELSE
        format('(nullif(current_setting(''tidtam.school_id'', true), '''') IS NULL OR %I = nullif(current_setting(''tidtam.school_id'', true), '''')::bigint)', school_column) END;
    national text := 'nullif(current_setting(''tidtam.role'', true), '''') = ''national''';
    writer text := 'coalesce(nullif(current_setting(''tidtam.role'', true), ''''), ''system'') NOT IN (''national'', ''committee'')';
    login_reads text := format('%I = tidtam_login_district()', district_column);
    name text := (SELECT relname FROM pg_class WHERE oid = tbl);
    read text := format('(%s AND %s) OR %s', in_district, in_school, national);
    write text := format('%s AND %s AND %s', in_district, in_school, writer);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING (%s)', name || '_read', tbl, tidtam_guarded(read, login_reads));
    EXECUTE format('CREATE POLICY %I ON %s FOR INSERT WITH CHECK (%s)', name || '_insert', tbl, tidtam_guarded(write));
    EXECUTE format('CREATE POLICY %I ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', name || '_update', tbl,
                   tidtam_guarded(write), tidtam_guarded(write));
    EXECUTE format('CREATE POLICY %I ON %s FOR DELETE USING (%s)', name || '_delete', tbl, tidtam_guarded(write));
END
$fn$;

CREATE OR REPLACE FUNCTION tidtam_share_district_rows(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING (%s)',
                   (SELECT relname FROM pg_class WHERE oid = tbl) || '_read_district_rows', tbl,
                   tidtam_guarded('school_id IS NULL AND district_id = nullif(current_setting(''tidtam.district_id'', true), '''')::bigint'));
END
$fn$;

-- A policy expression that the settings rule for trusted roles only; `login` is what any other
-- login may do (nothing, unless given).
CREATE FUNCTION tidtam_guarded(expression text, login text DEFAULT 'false') RETURNS text LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT format('CASE WHEN tidtam_trusted() THEN (%s) ELSE (%s) END', expression, login) $$;

-- Every existing policy that reads a setting, guarded. An analyst login reads what a table's
-- `<table>_read` policy would show its district, and nothing else anywhere.
DO $do$
DECLARE
    p record;
    district_column text;
    login text;
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
             WHERE schemaname = 'public' AND coalesce(qual, '') || coalesce(with_check, '') LIKE '%current_setting(''tidtam.%'
    LOOP
        district_column := (regexp_match(p.qual, $re$(\w+) = \(NULLIF\(current_setting\('tidtam\.district_id'$re$))[1];
        login := CASE WHEN p.policyname = p.tablename || '_read' AND district_column IS NOT NULL
                      THEN format('%I = tidtam_login_district()', district_column) ELSE 'false' END;
        EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
             || coalesce(' USING (' || tidtam_guarded(p.qual, login) || ')', '')
             || coalesce(' WITH CHECK (' || tidtam_guarded(p.with_check) || ')', '');
    END LOOP;
END
$do$;
