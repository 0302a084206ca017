#!/usr/bin/env python3
"""A second, independent implementation of age's post-quantum hybrid recipient.

Written from the specifications alone, so that sotto's tests can show that the
files sotto seals with an `mlkem768x25519` stanza open elsewhere, and the other
way round:

- age v1 (c2sp.org/age): header, stanzas, header MAC, STREAM payload, armor;
- X-Wing (draft-connolly-cfrg-xwing-kem): ML-KEM-768 + X25519, the KEM that
  age calls MLKEM768-X25519;
- HPKE (RFC 9180), base mode, with X-Wing, HKDF-SHA256 and ChaCha20Poly1305.

It needs Python 3.11, `kyber-py` (ML-KEM-768) and `cryptography` (X25519,
ChaCha20-Poly1305); hashing, HKDF and Bech32 come from the standard library.

Usage:
    age_pq.py keygen > identity          prints an AGE-SECRET-KEY-PQ-1... line
    age_pq.py recipient IDENTITY_FILE    prints its age1pq1... recipient
    age_pq.py seal RECIPIENT < plain > file.age
    age_pq.py open IDENTITY_FILE < file.age > plain   (binary or armored input)

Exit status: 0 success, 1 no identity matched, 2 usage or bad key, 3 armor
failure, 4 header failure, 5 header MAC failure, 6 payload failure (the
plaintext of the chunks that verified is written before it). These follow the
outcomes of the age test kit.
"""

import base64
import hashlib
import hmac
import os
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from kyber_py.ml_kem import ML_KEM_768


class Failure(Exception):
    code, kind = 2, "error"


class NoMatch(Failure):
    code, kind = 1, "no match"


class ArmorFailure(Failure):
    code, kind = 3, "armor failure"


class HeaderFailure(Failure):
    code, kind = 4, "header failure"


class HmacFailure(Failure):
    code, kind = 5, "HMAC failure"


class PayloadFailure(Failure):
    code, kind = 6, "payload failure"


# --- Bech32 (BIP 173, without its 90-character limit: age keys are longer) ---

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = ((check & 0x1FFFFFF) << 5) ^ value
        for i in range(5):
            if (top >> i) & 1:
                check ^= generator[i]
    return check


def hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def regroup(values, from_bits, to_bits, pad):
    """Re-packs a sequence of from_bits-wide integers into to_bits-wide ones."""
    acc, bits, out, mask = 0, 0, [], (1 << to_bits) - 1
    for value in values:
        acc = ((acc << from_bits) | value) & 0xFFFF
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & mask)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & mask)
    elif bits >= from_bits or (acc << (to_bits - bits)) & mask:
        raise ValueError("Bech32 data has invalid padding")
    return out


def bech32_encode(hrp, data):
    """Encodes in lower case; the checksum is always over the lower-case form."""
    hrp = hrp.lower()
    words = regroup(data, 8, 5, pad=True)
    check = bech32_polymod(hrp_expand(hrp) + words + [0] * 6) ^ 1
    words += [(check >> (5 * (5 - i))) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[w] for w in words)


def bech32_decode(text):
    """Returns (lower-case hrp, data bytes); raises ValueError."""
    if text != text.lower() and text != text.upper():
        raise ValueError("Bech32 string mixes upper and lower case")
    text = text.lower()
    split = text.rfind("1")
    if split < 1 or split + 7 > len(text) or any(not 33 <= ord(c) <= 126 for c in text[:split]):
        raise ValueError("not a Bech32 string")
    hrp = text[:split]
    if any(c not in CHARSET for c in text[split + 1:]):
        raise ValueError("invalid Bech32 character")
    words = [CHARSET.index(c) for c in text[split + 1:]]
    if bech32_polymod(hrp_expand(hrp) + words) != 1:
        raise ValueError("invalid Bech32 checksum")
    return hrp, bytes(regroup(words[:-6], 5, 8, pad=False))


# --- Canonical unpadded base64, as in age headers ---

def b64encode(data):
    return base64.b64encode(data).rstrip(b"=").decode()


def b64decode(text):
    """Rejects padding, other characters and non-canonical trailing bits."""
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if b"=" in raw or len(raw) % 4 == 1:
        raise HeaderFailure("invalid base64")
    try:
        data = base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=True)
    except ValueError:
        raise HeaderFailure("invalid base64") from None
    if b64encode(data).encode() != raw:
        raise HeaderFailure("non-canonical base64")
    return data


# --- HKDF-SHA-256 (RFC 5869) ---

def hkdf_extract(salt, ikm):
    # An empty salt is HMAC with an empty key, which HMAC pads to HashLen zeros.
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def hkdf(ikm, salt, info):
    return hkdf_expand(hkdf_extract(salt, ikm), info, 32)


# --- X-Wing (ML-KEM-768 + X25519) ---

XWING_LABEL = b"\\./" + b"/^\\"  # 5c2e2f2f5e5c
XWING_PUBLIC_KEY_LENGTH = 1216  # ML-KEM-768 encapsulation key (1184) || X25519 point (32)
XWING_CIPHERTEXT_LENGTH = 1120  # ML-KEM-768 ciphertext (1088) || X25519 ephemeral point (32)


def xwing_expand(seed):
    """The 32-byte decapsulation key is a seed: SHAKE256 stretches it to 96
    bytes, the ML-KEM-768 key generation seeds d and z, then the X25519 scalar."""
    expanded = hashlib.shake_256(seed).digest(96)
    pk_m, sk_m = ML_KEM_768.key_derive(expanded[0:64])  # KeyGen_internal(d, z), d || z
    sk_x = X25519PrivateKey.from_private_bytes(expanded[64:96])
    pk_x = sk_x.public_key().public_bytes_raw()
    return sk_m, sk_x, pk_m, pk_x


def xwing_public_key(seed):
    _, _, pk_m, pk_x = xwing_expand(seed)
    return pk_m + pk_x


def xwing_combiner(ss_m, ss_x, ct_x, pk_x):
    # The label comes last (it came first in early drafts).
    return hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()


def x25519(private_key, point):
    try:
        return private_key.exchange(X25519PublicKey.from_public_bytes(point))
    except ValueError:
        # OpenSSL refuses an all-zero result (a low-order or identity point);
        # age treats that as a malformed stanza, not as "not for this key".
        raise HeaderFailure("X25519 share gives the all-zero shared secret") from None


def xwing_encapsulate(public_key):
    pk_m, pk_x = public_key[:1184], public_key[1184:]
    ek_x = X25519PrivateKey.generate()
    ct_x = ek_x.public_key().public_bytes_raw()
    ss_x = x25519(ek_x, pk_x)
    ss_m, ct_m = ML_KEM_768.encaps(pk_m)  # checks the encapsulation key (FIPS 203 7.2)
    return xwing_combiner(ss_m, ss_x, ct_x, pk_x), ct_m + ct_x


def xwing_decapsulate(ciphertext, seed):
    sk_m, sk_x, _, pk_x = xwing_expand(seed)
    ct_m, ct_x = ciphertext[:1088], ciphertext[1088:]
    ss_m = ML_KEM_768.decaps(sk_m, ct_m)  # implicit rejection: a bad ct_m gives a random ss_m
    ss_x = x25519(sk_x, ct_x)
    return xwing_combiner(ss_m, ss_x, ct_x, pk_x)


# --- HPKE (RFC 9180), base mode, single shot ---

KEM_ID, KDF_ID, AEAD_ID = 0x647A, 0x0001, 0x0003  # X-Wing, HKDF-SHA256, ChaCha20Poly1305
SUITE_ID = b"HPKE" + KEM_ID.to_bytes(2, "big") + KDF_ID.to_bytes(2, "big") + AEAD_ID.to_bytes(2, "big")


def labeled_extract(salt, label, ikm):
    return hkdf_extract(salt, b"HPKE-v1" + SUITE_ID + label + ikm)


def labeled_expand(prk, label, info, length):
    return hkdf_expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + SUITE_ID + label + info, length)


def key_schedule_base(shared_secret, info):
    """KeySchedule for mode_base (0x00) with the default empty psk and psk_id."""
    psk_id_hash = labeled_extract(b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(shared_secret, b"secret", b"")
    return labeled_expand(secret, b"key", context, 32), labeled_expand(secret, b"base_nonce", context, 12)


# X-Wing's Encap/Decap are HPKE's directly: its shared secret goes into the
# key schedule as is (no DHKEM-style ExtractAndExpand). A single-shot message
# is the context's first, sequence number 0, so its nonce is base_nonce.

def hpke_seal_base(public_key, info, plaintext):
    shared_secret, enc = xwing_encapsulate(public_key)  # SetupS
    key, nonce = key_schedule_base(shared_secret, info)
    return enc, ChaCha20Poly1305(key).encrypt(nonce, plaintext, b"")


def hpke_open_base(enc, seed, info, ciphertext):
    key, nonce = key_schedule_base(xwing_decapsulate(enc, seed), info)  # SetupR
    return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, b"")  # raises InvalidTag


# --- Keys ---

RECIPIENT_HRP = "age1pq"
IDENTITY_HRP = "AGE-SECRET-KEY-PQ-"
STANZA_TYPE = "mlkem768x25519"
STANZA_INFO = b"age-encryption.org/mlkem768x25519"


def encode_identity(seed):
    return bech32_encode(IDENTITY_HRP, seed).upper()


def encode_recipient(public_key):
    return bech32_encode(RECIPIENT_HRP, public_key)


def parse_recipient(text):
    try:
        hrp, data = bech32_decode(text.strip())
    except ValueError as error:
        raise Failure(f"not a recipient: {error}") from None
    if hrp != RECIPIENT_HRP or len(data) != XWING_PUBLIC_KEY_LENGTH:
        raise Failure("not an age1pq1 recipient of 1216 bytes")
    return data


def read_identities(path):
    """The 32-byte seeds of the AGE-SECRET-KEY-PQ-1 lines of an identity file;
    comments, blank lines and classical AGE-SECRET-KEY-1 lines are skipped."""
    seeds = []
    with open(path, encoding="ascii") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#") or line.upper().startswith("AGE-SECRET-KEY-1"):
                continue
            try:
                hrp, data = bech32_decode(line)
            except ValueError as error:
                raise Failure(f"{path}: not an identity: {error}") from None
            if hrp != IDENTITY_HRP.lower() or len(data) != 32:
                raise Failure(f"{path}: not an AGE-SECRET-KEY-PQ-1 identity of 32 bytes")
            seeds.append(data)
    if not seeds:
        raise Failure(f"{path}: no AGE-SECRET-KEY-PQ-1 identity")
    return seeds


# --- age v1 header ---

VERSION_LINE = b"age-encryption.org/v1"


def parse_header(data):
    """Returns (stanzas, MAC input, MAC, payload); a stanza is (args, body)."""
    position = 0

    def next_line():
        nonlocal position
        end = data.find(b"\n", position)
        if end < 0:
            raise HeaderFailure("the header ends without a newline")
        line, position = data[position:end], end + 1
        return line

    if next_line() != VERSION_LINE:
        raise HeaderFailure("not an age v1 file")
    stanzas = []
    while True:
        start = position
        line = next_line()
        if line.startswith(b"-> "):
            # Arguments: one or more runs of visible ASCII, single spaces between.
            arguments = line[3:].split(b" ")
            if any(not arg or any(not 0x21 <= c <= 0x7E for c in arg) for arg in arguments):
                raise HeaderFailure("invalid stanza argument line")
            # The body: full 64-column lines, then one shorter line (maybe empty).
            body = b""
            while True:
                body_line = next_line()
                if len(body_line) > 64:
                    raise HeaderFailure("stanza body line longer than 64 columns")
                body += body_line
                if len(body_line) < 64:
                    break
            stanzas.append(([arg.decode() for arg in arguments], b64decode(body)))
        elif line.startswith(b"---"):
            if not line.startswith(b"--- ") or not stanzas:
                raise HeaderFailure("malformed MAC line")
            mac = b64decode(line[4:])
            if len(mac) != 32:
                raise HeaderFailure("the MAC is not 32 bytes")
            # The MAC covers the header up to and including "---", not the space.
            return stanzas, data[:start + 3], mac, data[position:]
        else:
            raise HeaderFailure("unexpected header line")


def header_mac(file_key, mac_input):
    return hmac.new(hkdf(file_key, b"", b"header"), mac_input, hashlib.sha256).digest()


def unwrap(stanzas, seeds):
    """The file key from the first mlkem768x25519 stanza that opens."""
    candidates = []
    for arguments, body in stanzas:
        if arguments[0] != STANZA_TYPE:
            continue  # other types (and other spellings) are not ours to judge
        if len(arguments) != 2:
            raise HeaderFailure("mlkem768x25519 stanza needs exactly two arguments")
        enc = b64decode(arguments[1])
        if len(enc) != XWING_CIPHERTEXT_LENGTH:
            raise HeaderFailure("mlkem768x25519 enc is not 1120 bytes")
        # Checked before decrypting: a longer body could reveal which key
        # opens it (partitioning oracles), and the file key is 16 bytes.
        if len(body) != 32:
            raise HeaderFailure("mlkem768x25519 body is not 32 bytes")
        candidates.append((enc, body))
    for enc, body in candidates:
        for seed in seeds:
            try:
                return hpke_open_base(enc, seed, STANZA_INFO, body)
            except InvalidTag:
                continue  # sealed to some other key
    raise NoMatch("no identity matched any stanza")


def write_header(stanzas, file_key):
    header = VERSION_LINE + b"\n"
    for arguments, body in stanzas:
        header += b"-> " + " ".join(arguments).encode() + b"\n"
        encoded = b64encode(body).encode()
        # Wrap at 64 columns; a body that fills its last line gets an empty one.
        for i in range(0, len(encoded) + 1, 64):
            header += encoded[i:i + 64] + b"\n"
    header += b"---"
    return header + b" " + b64encode(header_mac(file_key, header)).encode() + b"\n"


# --- STREAM payload ---

CHUNK = 64 * 1024
TAG = 16


def stream_nonce(counter, last):
    # 11-byte big-endian chunk counter, then 0x01 for the final chunk, else 0x00.
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def payload_aead(file_key, nonce):
    return ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))


def encrypt_payload(file_key, plaintext):
    nonce = os.urandom(16)
    aead = payload_aead(file_key, nonce)
    # An empty plaintext is one empty final chunk; a multiple of 64 KiB ends
    # with a full final chunk, never with an extra empty one.
    chunks = [plaintext[i:i + CHUNK] for i in range(0, len(plaintext), CHUNK)] or [b""]
    sealed = [aead.encrypt(stream_nonce(i, i == len(chunks) - 1), chunk, b"") for i, chunk in enumerate(chunks)]
    return nonce + b"".join(sealed)


def decrypt_payload(file_key, payload, out):
    """Writes each chunk as soon as it verifies, as a streaming reader would."""
    if len(payload) < 16:
        raise HeaderFailure("the payload nonce is missing")  # age reads it with the header
    aead = payload_aead(file_key, payload[:16])

    def open_chunk(chunk, counter, last):
        try:
            return aead.decrypt(stream_nonce(counter, last), chunk, b"")
        except InvalidTag:
            return None

    body, position, counter = payload[16:], 0, 0
    while True:
        chunk = body[position:position + CHUNK + TAG]
        position += len(chunk)
        # A short chunk can only be the final one. A full one usually is not,
        # but is when the plaintext is a non-zero multiple of 64 KiB: try both.
        last = len(chunk) < CHUNK + TAG
        plaintext = None if last else open_chunk(chunk, counter, False)
        if plaintext is None:
            plaintext, last = open_chunk(chunk, counter, True), True
        if plaintext is None:
            raise PayloadFailure(f"chunk {counter} does not authenticate")
        if last and not plaintext and counter > 0:
            raise PayloadFailure("the final chunk is empty")  # only an empty file has one
        out.write(plaintext)
        if last:
            if position != len(body):
                raise PayloadFailure("data after the final chunk")
            return
        if position == len(body):
            raise PayloadFailure("the file ends without a final chunk")
        counter += 1


# --- ASCII armor (RFC 7468 strict, as age requires) ---

ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"


def dearmor(data):
    # Whitespace around the block is allowed, and LF or CRLF line endings.
    lines = data.strip(b" \t\r\n").replace(b"\r\n", b"\n").split(b"\n")
    if len(lines) < 2 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        raise ArmorFailure("malformed armor frame")
    body = lines[1:-1]  # may be empty: then so is the age file, a header failure
    if any(len(line) != 64 for line in body[:-1]) or (body and not 0 < len(body[-1]) <= 64):
        raise ArmorFailure("armor lines must be 64 columns, the last at most")
    encoded = b"".join(body)
    try:
        decoded = base64.b64decode(encoded, validate=True)  # padded base64 here
    except ValueError:
        raise ArmorFailure("invalid base64 in armor") from None
    if base64.b64encode(decoded) != encoded:
        raise ArmorFailure("non-canonical base64 in armor")
    return decoded


# --- Commands ---

def cmd_keygen():
    print(encode_identity(os.urandom(32)))


def cmd_recipient(identity_path):
    for seed in read_identities(identity_path):
        print(encode_recipient(xwing_public_key(seed)))


def cmd_seal(recipient):
    public_key = parse_recipient(recipient)
    plaintext = sys.stdin.buffer.read()
    file_key = os.urandom(16)
    try:
        enc, body = hpke_seal_base(public_key, STANZA_INFO, file_key)
    except (ValueError, HeaderFailure) as error:
        raise Failure(f"not a usable recipient: {error}") from None
    header = write_header([([STANZA_TYPE, b64encode(enc)], body)], file_key)
    sys.stdout.buffer.write(header + encrypt_payload(file_key, plaintext))


def cmd_open(identity_path):
    seeds = read_identities(identity_path)
    data = sys.stdin.buffer.read()
    # Armor is detected as age does, by its start; "-----" alone, so that a
    # wrong label or stray spaces are armor failures rather than header ones.
    if data.lstrip(b" \t\r\n").startswith(b"-----"):
        data = dearmor(data)
    stanzas, mac_input, mac, payload = parse_header(data)
    file_key = unwrap(stanzas, seeds)
    if not hmac.compare_digest(header_mac(file_key, mac_input), mac):
        raise HmacFailure("the header MAC does not verify")
    decrypt_payload(file_key, payload, sys.stdout.buffer)


def main(argv):
    commands = {"keygen": (cmd_keygen, 0), "recipient": (cmd_recipient, 1), "seal": (cmd_seal, 1), "open": (cmd_open, 1)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        print(__doc__.split("Usage:")[1].split("Exit")[0].rstrip(), file=sys.stderr)
        return 2
    try:
        commands[argv[1]][0](*argv[2:])
        sys.stdout.flush()
    except Failure as error:
        print(f"age_pq.py: {error.kind}: {error}", file=sys.stderr)
        return error.code
    except OSError as error:
        print(f"age_pq.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
