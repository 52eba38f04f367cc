-- The tenancy policies read the tidtam.* settings, which any login may SET. That is right for the
-- service (tidtam_app sets them inside each transaction, and its clients never reach SQL) and for
-- the schema owner, but a plain SQL login granted tidtam_analyst could SET tidtam.district_id, or
-- tidtam.role = 'national', and read every district. From here on the policies read the settings
-- through tidtam_setting(), which trusts them only from the service and the owner; any other login
-- is bound by its name: `tidtam_analyst_d12` reads district 12 and nothing else, as a read-only
-- role, whatever it SETs; every other login reads nothing.
--
-- Settings and the login's name only, no tables: Citus refuses subqueries in policies, and a
-- one-expression SQL function is inlined by the planner, so `district_id = …` still drives the
-- index as before. The owner's name is the migrating role's, written in when this runs.
DO $$
BEGIN
    EXECUTE format($create$
        CREATE FUNCTION tidtam_setting(name text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $body$
            SELECT CASE
                WHEN current_user IN ('tidtam_app', %L) THEN current_setting('tidtam.' || name, true)
                WHEN name = 'district_id' THEN substring(current_user FROM '^tidtam_analyst_d([0-9]{1,18})$')
                WHEN name = 'role' THEN 'analyst'
            END
        $body$
    $create$, current_user);
END
$$;
COMMENT ON FUNCTION tidtam_setting(text) IS
    'A tidtam.* tenant setting as the policies may trust it: the service''s and the owner''s own; for any other login, the district in its name (tidtam_analyst_d<id>), read-only.';

-- Tables made from here on get the same policies as before, reading through tidtam_setting().
CREATE OR REPLACE FUNCTION tidtam_enable_tenancy(tbl regclass, district_column text DEFAULT 'district_id',
                                                 school_column text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    in_district text := format('%I = nullif(tidtam_setting(''district_id''), '''')::bigint', district_column);
    in_school text := CASE WHEN school_column IS NULL THEN 'true' ELSE
        format('(nullif(tidtam_setting(''school_id''), '''') IS NULL OR %I = nullif(tidtam_setting(''school_id''), '''')::bigint)', school_column) END;
    national text := 'nullif(tidtam_setting(''role''), '''') = ''national''';
    writer text := 'coalesce(nullif(tidtam_setting(''role''), ''''), ''system'') NOT IN (''national'', ''committee'', ''analyst'')';
    name text := (SELECT relname FROM pg_class WHERE oid = tbl);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING ((%s AND %s) OR %s)',
                   name || '_read', tbl, in_district, in_school, national);
    EXECUTE format('CREATE POLICY %I ON %s FOR INSERT WITH CHECK (%s AND %s AND %s)',
                   name || '_insert', tbl, in_district, in_school, writer);
    EXECUTE format('CREATE POLICY %I ON %s FOR UPDATE USING (%s AND %s AND %s) WITH CHECK (%s AND %s AND %s)',
                   name || '_update', tbl, in_district, in_school, writer, in_district, in_school, writer);
    EXECUTE format('CREATE POLICY %I ON %s FOR DELETE USING (%s AND %s AND %s)',
                   name || '_delete', tbl, in_district, in_school, writer);
END
$fn$;

CREATE OR REPLACE FUNCTION tidtam_share_district_rows(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING (school_id IS NULL AND district_id = nullif(tidtam_setting(''district_id''), '''')::bigint)',
                   (SELECT relname FROM pg_class WHERE oid = tbl) || '_read_district_rows', tbl);
END
$fn$;

-- Every existing policy: the same expression, each current_setting('tidtam.x', true) read through
-- tidtam_setting('x'), and 'analyst' added to the read-only roles that write nothing.
DO $do$
DECLARE
    p record;
    setting constant text := $re$current_setting\('tidtam\.(\w+)'::text, true\)$re$;
    read_only constant text := $re$ARRAY\['national'::text, 'committee'::text\]$re$;
    using_clause text;
    check_clause text;
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
             WHERE schemaname = 'public' AND coalesce(qual, '') || coalesce(with_check, '') LIKE '%current_setting(''tidtam.%'
    LOOP
        using_clause := regexp_replace(regexp_replace(p.qual, setting, $$tidtam_setting('\1')$$, 'g'),
                                       read_only, $$ARRAY['national', 'committee', 'analyst']$$, 'g');
        check_clause := regexp_replace(regexp_replace(p.with_check, setting, $$tidtam_setting('\1')$$, 'g'),
                                       read_only, $$ARRAY['national', 'committee', 'analyst']$$, 'g');
        EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
             || coalesce(' USING (' || using_clause || ')', '')
             || coalesce(' WITH CHECK (' || check_clause || ')', '');
    END LOOP;
END
$do$;
