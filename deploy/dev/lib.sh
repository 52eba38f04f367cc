# Shared set-up for ./deploy/dev/up and ./deploy/dev/test (sourced, not run).
# A private PostgreSQL 15 cluster on a Unix socket only (no TCP), owned by the `postgres` OS
# user when we run as root. Roles: tidtam_owner owns the schema and migrates; tidtam_app is the
# service's login and owns nothing; row-level security binds it to one tenant per transaction.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-5432}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs what is missing (PostgreSQL 15, libpq's headers, and OpenSSL's, which libpq-dev
# brings along; imports checksum files with its SHA-256); asks apt only when needed.
ensure_packages() {
  local missing=()
  [ -x "$PGBIN/initdb" ] || missing+=(postgresql postgresql-contrib)
  [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
  [ -f /usr/include/openssl/sha.h ] || missing+=(libssl-dev)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  # Reports' PDFs: WeasyPrint (a process of its own), the Thai official-style typeface it sets
  # them in (Laksaman, in fonts-thai-tlwg), and poppler's tools that the tests read them with.
  command -v weasyprint >/dev/null || missing+=(weasyprint)
  [ -f /usr/share/fonts/truetype/tlwg/Laksaman.ttf ] || missing+=(fonts-thai-tlwg)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  # The analysts' schema is tested with pgTAP.
  [ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing+=(postgresql-15-pgtap)
  # Reports' .xlsx files are zip archives, deflated with zlib.
  pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
  # The tests read the iCalendar feeds back with a real parser (PyPI's icalendar).
  if ! python3 -c "import icalendar" 2>/dev/null; then
    log "installing the icalendar parser (pip)"
    python3 -m pip install -q icalendar >/dev/null
  fi
  # The reports' workbooks are read back with a real reader (PyPI's openpyxl).
  if ! python3 -c "import openpyxl" 2>/dev/null; then
    log "installing the workbook reader for the tests (pip: openpyxl)"
    python3 -m pip install -q openpyxl >/dev/null
  fi
  # The reminders' e-mail goes to a real SMTP server (PyPI's aiosmtpd), in development and tests.
  if ! python3 -c "import aiosmtpd" 2>/dev/null; then
    log "installing the SMTP server for development (pip: aiosmtpd)"
    python3 -m pip install -q aiosmtpd >/dev/null
  fi
  command -v openssl >/dev/null || { echo "openssl is needed to make the SMTP server's certificate" >&2; exit 1; }
  # Webhooks are checked at a real receiver with the Standard Webhooks reference library.
  if ! python3 -c "import standardwebhooks" 2>/dev/null; then
    log "installing the Standard Webhooks reference library (pip: standardwebhooks)"
    python3 -m pip install -q standardwebhooks >/dev/null
  fi
}

# start_webhook_receiver DIR: deploy/dev/webhook_receiver.py on a free port of 127.0.0.1; what
# it receives is in DIR. Sets WEBHOOK_PID and WEBHOOK_PORT.
start_webhook_receiver() {
  local dir=$1
  mkdir -p "$dir"
  WEBHOOK_PORT=$(free_port)
  rm -f "$dir/ready"
  python3 "$(dirname "${BASH_SOURCE[0]}")/webhook_receiver.py" --port "$WEBHOOK_PORT" --dir "$dir" \
    --ready-file "$dir/ready" >"$dir/receiver.log" 2>&1 &
  WEBHOOK_PID=$!
  for _ in $(seq 1 100); do [ -f "$dir/ready" ] && break; sleep 0.1; done
  [ -f "$dir/ready" ] || { cat "$dir/receiver.log" >&2; echo "the webhook receiver did not start" >&2; exit 1; }
  export WEBHOOK_PORT
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_smtp DIR: a real SMTP server (deploy/dev/smtp_server.py) on a free port of 127.0.0.1,
# STARTTLS with a certificate for "localhost" made here, AUTH required after it; messages kept
# in DIR/mail. Sets SMTP_PID, SMTP_PORT, SMTP_CA, SMTP_MAILDIR, SMTP_USER and SMTP_PASSWORD.
start_smtp() {
  local dir=$1
  mkdir -p "$dir/mail"
  if [ ! -f "$dir/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 825 \
      -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
  fi
  SMTP_PORT=$(free_port) SMTP_CA=$dir/cert.pem SMTP_MAILDIR=$dir/mail SMTP_USER=tidtam
  SMTP_PASSWORD=$(openssl rand -hex 12)
  rm -f "$dir/ready"
  python3 "$(dirname "${BASH_SOURCE[0]}")/smtp_server.py" --port "$SMTP_PORT" --maildir "$SMTP_MAILDIR" \
    --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" --auth "$SMTP_USER:$SMTP_PASSWORD" \
    --ready-file "$dir/ready" >"$dir/smtp.log" 2>&1 &
  SMTP_PID=$!
  for _ in $(seq 1 100); do [ -f "$dir/ready" ] && break; sleep 0.1; done
  [ -f "$dir/ready" ] || { cat "$dir/smtp.log" >&2; echo "the SMTP server did not start" >&2; exit 1; }
  export SMTP_PORT SMTP_CA SMTP_MAILDIR SMTP_USER SMTP_PASSWORD
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# start_cluster DIR: initdb on first use, then start. Sets PGHOST (the socket directory).
start_cluster() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $dir"
    mkdir -p "$dir/pgdata" "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir" && chmod 755 "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$dir/pgdata/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/sock'
max_connections = 200
shared_buffers = 512MB
timezone = 'UTC'
CONF
  fi
  export PGHOST=$dir/sock PGPORT PGUSER=postgres
  if ! as_pg "$PGBIN/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -o "-p $PGPORT" -w -t 60 start >/dev/null
  fi
}

# start_replica DIR: a streaming replica of the cluster PGHOST names (pg_basebackup on first
# use), in DIR with a socket directory of its own, read-only, for the analysts' queries. Sets
# REPLICA_HOST (its socket directory); the port is the primary's.
start_replica() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    log "making a streaming replica in $dir"
    mkdir -p "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir" && chmod 755 "$dir"
    # A replication slot keeps the primary's WAL until the replica has it: without one, a replica
    # that falls behind a burst of writes (the tests' database clones) finds the WAL it needs
    # recycled and never catches up.
    local slot=tidtam_replica_$(printf '%s' "$dir" | md5sum | cut -c1-12)
    psql -qXAt -d postgres -c "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null
    as_pg "$PGBIN/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$dir/pgdata" -R -X stream -c fast -C -S "$slot"
    # The base backup copied the primary's settings; the replica listens on its own socket.
    echo "unix_socket_directories = '$dir/sock'" | as_pg tee -a "$dir/pgdata/postgresql.auto.conf" >/dev/null
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -o "-p $PGPORT" -w -t 60 start >/dev/null
  fi
  export REPLICA_HOST=$dir/sock
}

stop_cluster() {
  local dir
  dir=$(cd "$1" 2>/dev/null && pwd) || return 0
  [ -f "$dir/pgdata/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}

# create_database NAME: the roles (once per cluster) and an empty database owned by tidtam_owner.
create_database() {
  local db=$1
  psql -qX -v ON_ERROR_STOP=1 -d postgres <<SQL
SELECT 'CREATE ROLE tidtam_owner LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_owner') \gexec
SELECT 'CREATE ROLE tidtam_app LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_app') \gexec
SELECT 'CREATE ROLE tidtam_analyst NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_analyst') \gexec
SELECT 'CREATE ROLE tidtam_national_analyst NOLOGIN IN ROLE tidtam_analyst' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidtam_national_analyst') \gexec
-- \`tidtam admin analyst\` makes and revokes analysts' logins as the owner, and ends their sessions.
ALTER ROLE tidtam_owner CREATEROLE;
GRANT pg_signal_backend TO tidtam_owner;
ALTER ROLE tidtam_app SET statement_timeout = '15s';
ALTER ROLE tidtam_app SET idle_in_transaction_session_timeout = '60s';
SELECT format('CREATE DATABASE %I OWNER tidtam_owner', '$db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \gexec
SQL
}

# database_urls DB: the service's and the migrator's connection strings.
database_urls() {
  local db=$1
  export DATABASE_URL="postgresql:///$db?host=$PGHOST&port=$PGPORT&user=tidtam_app"
  export MIGRATION_DATABASE_URL="postgresql:///$db?host=$PGHOST&port=$PGPORT&user=tidtam_owner"
}
