import Foundation

/// The PostgreSQL mailbox schema, versioned in `sotto.meta`. Migration N
/// brings the version from N to N+1; sotto applies them itself, in one
/// transaction under an advisory lock, when the connecting role may (the
/// administrator, once). docs/postgres.md explains the roles.
///
/// The server enforces who may do what, not the client:
/// - Senders (`sotto_sender`) have no table privileges at all, only the
///   `sotto.deposit` function, which can add envelopes and deliveries but
///   never read, change or delete anything that is already there.
/// - Recipients (`sotto_user`) read and delete through row-level security:
///   a delivery is visible only when its address belongs to `current_user`
///   in `sotto.mailboxes`, and an envelope's row and chunks only while one of
///   its deliveries is visible.
/// - The schema's owner bypasses row-level security: it runs the global expiry.
enum PostgresSchema {
    static let lockKey: Int64 = 0x736F_7474_6F6D_6278  // "sottombx"

    /// One migration's statements: the extended protocol runs one at a time.
    /// A statement ends with `;` at the end of a line outside a `$$` body.
    static func statements(_ migration: String) -> [String] {
        var statements = [String](), current = "", inBody = false
        for line in migration.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, line.hasSuffix(";") {
                statements.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements
    }

    static let migrations = [
        """
        CREATE SCHEMA sotto;
        CREATE TABLE sotto.meta (key text PRIMARY KEY, value bigint NOT NULL);

        -- Which role receives for which address: maintained by the administrator.
        CREATE TABLE sotto.mailboxes (
            address text PRIMARY KEY CHECK (address ~ '^[0-9a-f]{32}$'),
            owner name NOT NULL);
        CREATE INDEX mailboxes_by_owner ON sotto.mailboxes (owner);

        CREATE TABLE sotto.envelopes (
            id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
            expires_at bigint,
            size bigint,  -- NULL only inside the transaction that is writing it
            stored_at bigint NOT NULL);
        CREATE INDEX envelopes_by_expiry ON sotto.envelopes (expires_at);

        -- Sealed bytes do not compress: store them out of line, uncompressed.
        CREATE TABLE sotto.envelope_chunks (
            envelope text NOT NULL REFERENCES sotto.envelopes ON DELETE CASCADE,
            n integer NOT NULL CHECK (n >= 0),
            bytes bytea NOT NULL,
            PRIMARY KEY (envelope, n));
        ALTER TABLE sotto.envelope_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;

        CREATE TABLE sotto.deliveries (
            seq bigserial PRIMARY KEY,
            mailbox text NOT NULL CHECK (mailbox ~ '^[0-9a-f]{32}$'),
            envelope text NOT NULL REFERENCES sotto.envelopes ON DELETE CASCADE,
            stored_at bigint NOT NULL,
            UNIQUE (mailbox, envelope));
        CREATE INDEX deliveries_by_envelope ON sotto.deliveries (envelope);

        ALTER TABLE sotto.mailboxes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own ON sotto.mailboxes FOR SELECT USING (owner = current_user);

        ALTER TABLE sotto.deliveries ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_read ON sotto.deliveries FOR SELECT
            USING (mailbox IN (SELECT address FROM sotto.mailboxes WHERE owner = current_user));
        CREATE POLICY own_delete ON sotto.deliveries FOR DELETE
            USING (mailbox IN (SELECT address FROM sotto.mailboxes WHERE owner = current_user));

        -- The subqueries see deliveries through their own policy: only mine.
        ALTER TABLE sotto.envelopes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY delivered ON sotto.envelopes FOR SELECT
            USING (EXISTS (SELECT 1 FROM sotto.deliveries d WHERE d.envelope = envelopes.id));
        ALTER TABLE sotto.envelope_chunks ENABLE ROW LEVEL SECURITY;
        CREATE POLICY delivered ON sotto.envelope_chunks FOR SELECT
            USING (EXISTS (SELECT 1 FROM sotto.deliveries d WHERE d.envelope = envelope_chunks.envelope));

        -- Stores one chunk of an envelope; the last (or, for an envelope already
        -- stored, the first) also delivers it to each address. Returns NULL
        -- while more chunks are expected, else one "stored" flag per address.
        CREATE FUNCTION sotto.deposit(p_id text, p_expires_at bigint, p_now bigint, p_n integer,
                                      p_bytes bytea, p_last boolean, p_addresses text[])
        RETURNS boolean[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            address text;
            stored boolean[] := '{}';
            fresh boolean := true;
        BEGIN
            IF coalesce(cardinality(p_addresses), 0) = 0 THEN
                RAISE EXCEPTION 'an envelope needs at least one address' USING ERRCODE = '22023';
            END IF;
            -- Separate statements: SQL does not promise to evaluate OR from left to right.
            IF p_n = 0 THEN
                fresh := sotto.begin_envelope(p_id, p_expires_at, p_now);
            END IF;
            IF fresh THEN
                -- Only an envelope this transaction is writing has no size yet.
                IF NOT EXISTS (SELECT 1 FROM sotto.envelopes e WHERE e.id = p_id AND e.size IS NULL) THEN
                    RAISE EXCEPTION 'envelope % is not being written here', p_id USING ERRCODE = '42501';
                END IF;
                INSERT INTO sotto.envelope_chunks (envelope, n, bytes) VALUES (p_id, p_n, p_bytes);
                IF NOT p_last THEN RETURN NULL; END IF;
                UPDATE sotto.envelopes e SET size = (SELECT sum(octet_length(c.bytes)) FROM sotto.envelope_chunks c
                                                     WHERE c.envelope = p_id) WHERE e.id = p_id;
            END IF;
            FOREACH address IN ARRAY p_addresses LOOP
                INSERT INTO sotto.deliveries (mailbox, envelope, stored_at) VALUES (address, p_id, p_now)
                    ON CONFLICT (mailbox, envelope) DO NOTHING;
                stored := stored || FOUND;
            END LOOP;
            PERFORM pg_notify('sotto_mailbox', '');
            RETURN stored;
        END $$;

        -- Begins a new envelope (an unfinished row) and returns true, or, when
        -- this id is already stored, returns false and holds that row until
        -- commit, so it cannot be collected before its new deliveries exist.
        CREATE FUNCTION sotto.begin_envelope(p_id text, p_expires_at bigint, p_now bigint) RETURNS boolean
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            size bigint;
        BEGIN
            LOOP
                INSERT INTO sotto.envelopes (id, expires_at, size, stored_at)
                    VALUES (p_id, p_expires_at, NULL, p_now) ON CONFLICT (id) DO NOTHING;
                IF FOUND THEN RETURN true; END IF;
                SELECT e.size INTO size FROM sotto.envelopes e WHERE e.id = p_id FOR KEY SHARE;
                IF FOUND THEN
                    IF size IS NULL THEN
                        RAISE EXCEPTION 'envelope % is already being written', p_id USING ERRCODE = '42501';
                    END IF;
                    RETURN false;
                END IF;
                -- Collected between the two statements: try again.
            END LOOP;
        END $$;

        -- An envelope left without a size at commit was never finished: refuse the commit.
        CREATE FUNCTION sotto.check_finished() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM sotto.envelopes e WHERE e.id = NEW.id AND e.size IS NULL) THEN
                RAISE EXCEPTION 'envelope % was not finished', NEW.id USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER finished AFTER INSERT ON sotto.envelopes
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sotto.check_finished();

        -- An envelope goes with its last delivery. The row lock makes two
        -- recipients removing the last two deliveries at once take turns, so
        -- the second sees the first's delete and no envelope is left behind.
        CREATE FUNCTION sotto.collect() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            PERFORM 1 FROM sotto.envelopes e WHERE e.id = OLD.envelope FOR UPDATE;
            DELETE FROM sotto.envelopes e WHERE e.id = OLD.envelope
                AND NOT EXISTS (SELECT 1 FROM sotto.deliveries d WHERE d.envelope = e.id);
            RETURN NULL;
        END $$;
        CREATE TRIGGER collect AFTER DELETE ON sotto.deliveries FOR EACH ROW EXECUTE FUNCTION sotto.collect();

        -- The group roles an administrator grants to people (see docs/postgres.md).
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sotto_sender') THEN CREATE ROLE sotto_sender NOLOGIN; END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sotto_user') THEN CREATE ROLE sotto_user NOLOGIN; END IF;
        END $$;
        GRANT sotto_sender TO sotto_user;
        REVOKE ALL ON ALL TABLES IN SCHEMA sotto FROM PUBLIC;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA sotto FROM PUBLIC;
        GRANT USAGE ON SCHEMA sotto TO sotto_sender;
        GRANT SELECT ON sotto.meta TO sotto_sender;
        GRANT EXECUTE ON FUNCTION sotto.deposit(text, bigint, bigint, integer, bytea, boolean, text[]) TO sotto_sender;
        GRANT SELECT ON sotto.mailboxes, sotto.envelopes, sotto.envelope_chunks TO sotto_user;
        GRANT SELECT, DELETE ON sotto.deliveries TO sotto_user;
        """,
        """
        -- Envelope ids become SHA-256 over the SHA-256 of each 1 MiB chunk and the
        -- length (FORMAT.md section 7), which this server checks as chunks arrive.
        ALTER TABLE sotto.envelope_chunks DROP CONSTRAINT envelope_chunks_envelope_fkey,
            ADD CONSTRAINT envelope_chunks_envelope_fkey FOREIGN KEY (envelope)
            REFERENCES sotto.envelopes ON DELETE CASCADE ON UPDATE CASCADE;
        ALTER TABLE sotto.deliveries DROP CONSTRAINT deliveries_envelope_fkey,
            ADD CONSTRAINT deliveries_envelope_fkey FOREIGN KEY (envelope)
            REFERENCES sotto.envelopes ON DELETE CASCADE ON UPDATE CASCADE;

        -- The digests of the chunks so far, while an envelope is being written.
        ALTER TABLE sotto.envelopes ADD COLUMN digests bytea;

        CREATE FUNCTION sotto.envelope_id(p_digests bytea, p_size bigint) RETURNS text
        LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT encode(substring(sha256(convert_to(E'sotto/2 envelope id\\n', 'UTF8') || p_digests || int8send(p_size))
                                    FROM 1 FOR 16), 'hex')
        $$;
        REVOKE ALL ON FUNCTION sotto.envelope_id(bytea, bigint) FROM PUBLIC;

        -- Stored chunks were cut by their writer: re-cut them at 1 MiB to hash them.
        DO $$
        DECLARE
            v_envelope record;
            v_chunk bytea;
            v_pending bytea;
            v_digests bytea;
        BEGIN
            FOR v_envelope IN SELECT e.id, e.size FROM sotto.envelopes e WHERE e.size IS NOT NULL LOOP
                v_pending := '';
                v_digests := '';
                FOR v_chunk IN SELECT c.bytes FROM sotto.envelope_chunks c WHERE c.envelope = v_envelope.id ORDER BY c.n LOOP
                    v_pending := v_pending || v_chunk;
                    WHILE octet_length(v_pending) >= 1048576 LOOP
                        v_digests := v_digests || sha256(substring(v_pending FROM 1 FOR 1048576));
                        v_pending := substring(v_pending FROM 1048577);
                    END LOOP;
                END LOOP;
                IF octet_length(v_pending) > 0 THEN v_digests := v_digests || sha256(v_pending); END IF;
                UPDATE sotto.envelopes e SET id = sotto.envelope_id(v_digests, v_envelope.size) WHERE e.id = v_envelope.id;
            END LOOP;
        END $$;

        -- Each mailbox is woken on a channel of its own, named by a random token
        -- that only its owner can read (row-level security on sotto.mailboxes):
        -- on one global channel any role could LISTEN and, with the sending
        -- backend's pid and pg_stat_activity, learn who sent and when.
        ALTER TABLE sotto.mailboxes ADD COLUMN channel text NOT NULL
            DEFAULT 'sotto_' || replace(gen_random_uuid()::text, '-', '') CHECK (channel ~ '^sotto_[0-9a-f]{32}$');

        -- A deposit of an envelope that is already stored must prove it holds the
        -- bytes, chunk by chunk, before it may add deliveries: else anyone who
        -- learned an id could deliver the envelope to themselves and read it, or
        -- keep it on the server. A proof lives only inside its transaction.
        CREATE TABLE sotto.proofs (
            txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            id text NOT NULL,
            digests bytea NOT NULL,
            PRIMARY KEY (txid, id));
        REVOKE ALL ON sotto.proofs FROM PUBLIC;

        -- A proof left unfinished at commit refuses the commit.
        CREATE FUNCTION sotto.check_proven() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM sotto.proofs p WHERE p.txid = NEW.txid AND p.id = NEW.id) THEN
                RAISE EXCEPTION 'envelope % was not finished', NEW.id USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER proven AFTER INSERT ON sotto.proofs
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sotto.check_proven();

        -- Stores one chunk of an envelope, or, for an envelope already stored,
        -- checks it. Chunks come in order, 1 MiB each but the last; the digest
        -- of each is kept, and the last chunk is refused unless the digests and
        -- the length hash to the id. Only then are the deliveries added.
        -- Returns NULL while more chunks are expected, else one "stored" flag per address.
        CREATE OR REPLACE FUNCTION sotto.deposit(p_id text, p_expires_at bigint, p_now bigint, p_n integer,
                                                 p_bytes bytea, p_last boolean, p_addresses text[])
        RETURNS boolean[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            address text;
            stored boolean[] := '{}';
            proving boolean;
            v_digests bytea;
            v_size bigint;
        BEGIN
            IF coalesce(cardinality(p_addresses), 0) = 0 THEN
                RAISE EXCEPTION 'an envelope needs at least one address' USING ERRCODE = '22023';
            END IF;
            IF octet_length(p_bytes) NOT BETWEEN 1 AND 1048576 OR (NOT p_last AND octet_length(p_bytes) <> 1048576) THEN
                RAISE EXCEPTION 'envelope %: chunk % is % bytes; chunks are 1 MiB but the last', p_id, p_n, octet_length(p_bytes)
                    USING ERRCODE = '22023';
            END IF;
            -- Nested, not AND: SQL does not promise to evaluate AND from left to right.
            IF p_n = 0 THEN
                IF NOT sotto.begin_envelope(p_id, p_expires_at, p_now) THEN
                    INSERT INTO sotto.proofs (id, digests) VALUES (p_id, '');
                END IF;
            END IF;
            proving := EXISTS (SELECT 1 FROM sotto.proofs p WHERE p.txid = pg_current_xact_id() AND p.id = p_id);
            IF proving THEN
                UPDATE sotto.proofs p SET digests = p.digests || sha256(p_bytes)
                    WHERE p.txid = pg_current_xact_id() AND p.id = p_id AND octet_length(p.digests) = 32 * p_n
                    RETURNING p.digests INTO v_digests;
            ELSE
                -- Only an envelope this transaction is writing has no size yet.
                UPDATE sotto.envelopes e SET digests = coalesce(e.digests, '') || sha256(p_bytes)
                    WHERE e.id = p_id AND e.size IS NULL AND octet_length(coalesce(e.digests, '')) = 32 * p_n
                    RETURNING e.digests INTO v_digests;
            END IF;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'envelope % is not being written here, or chunk % is out of order', p_id, p_n USING ERRCODE = '42501';
            END IF;
            IF NOT proving THEN
                INSERT INTO sotto.envelope_chunks (envelope, n, bytes) VALUES (p_id, p_n, p_bytes);
            END IF;
            IF NOT p_last THEN RETURN NULL; END IF;
            v_size := 1048576::bigint * p_n + octet_length(p_bytes);
            IF sotto.envelope_id(v_digests, v_size) <> p_id THEN
                RAISE EXCEPTION 'envelope %: its bytes do not match its id', p_id USING ERRCODE = '22P03';
            END IF;
            IF proving THEN
                DELETE FROM sotto.proofs p WHERE p.txid = pg_current_xact_id() AND p.id = p_id;
            ELSE
                UPDATE sotto.envelopes e SET size = v_size, digests = NULL WHERE e.id = p_id;
            END IF;
            FOREACH address IN ARRAY p_addresses LOOP
                INSERT INTO sotto.deliveries (mailbox, envelope, stored_at) VALUES (address, p_id, p_now)
                    ON CONFLICT (mailbox, envelope) DO NOTHING;
                stored := stored || FOUND;
            END LOOP;
            PERFORM pg_notify(m.channel, '') FROM sotto.mailboxes m WHERE m.address = ANY(p_addresses);
            RETURN stored;
        END $$;
        """,
    ]
}
