#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/ (the files are checked in; this script only
documents how they were made and remakes them: `python3 tests/fuzz/make_corpus.py`).

Page tokens are made the way PageTokenCodec::Encode makes them (BLAKE2b-128 keyed MAC, which is
libsodium's crypto_generichash, over varint(len scope) || scope || payload), with the fuzz target's
fixed key, so they decode. The users file of the reference is read from
tests/support/reference_examples.h, where the C++ tests take it from.
"""
import base64
import hashlib
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
PAGE_TOKEN_KEY = b"rolecall-fuzz-page-token-key-32b"
REFERENCE_EXAMPLES = os.path.join(HERE, os.pardir, "support", "reference_examples.h")


def as_bytes(data):
    return data.encode("utf-8") if isinstance(data, str) else data


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(as_bytes(data))


def reference_example(name):
    """The raw string literal `name` (R"(...)") of tests/support/reference_examples.h."""
    with open(REFERENCE_EXAMPLES, encoding="utf-8") as f:
        m = re.search(r'\b%s\[\] = R"\((.*?)\)"' % re.escape(name), f.read(), re.S)
    assert m, f"no {name} in {REFERENCE_EXAMPLES}"
    return m.group(1)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def field(b):
    return varint(len(b)) + b


def page_scope(org, method, filters=()):
    return field(org) + field(method) + b"".join(field(f) for f in filters)


def encode(scope, cursor, key=PAGE_TOKEN_KEY):
    payload = b"\x01" + b"".join(field(c) for c in cursor)
    mac = hashlib.blake2b(field(scope) + payload, key=key, digest_size=16).digest()
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=")


def page_token_input(scope, token):
    assert len(scope) < 256
    return bytes([len(scope)]) + scope + token


def page_token():
    users = page_scope(b"org_acme", b"ListUsers")
    perms = page_scope(b"org_p72", b"ListPermissions", [b"cld_111", b"prj_111"])
    tampered = bytearray(encode(users, [b"bob@p72.com", b"usr_bob"]))
    tampered[5] = ord("A") if tampered[5] != ord("A") else ord("B")
    # Found by the fuzzer: libsodium 1.0.18 reads any byte >= 0x80 as '_'; Decode now refuses it.
    alias = encode(users, [])
    assert b"_" in alias
    inputs = {
        "valid_users": (users, encode(users, [b"alice@p72.com", b"usr_abc"])),
        "valid_empty_cursor": (users, encode(users, [])),
        "valid_filters": (perms, encode(perms, [b"usr_aaa", b"cld_111"])),
        "valid_long_field": (perms, encode(perms, [b"x" * 200, b"\x00\xff"])),
        "valid_empty_scope": (b"", encode(b"", [b""])),
        "other_scope": (perms, encode(users, [b"alice@p72.com"])),
        "tampered": (users, bytes(tampered)),
        "truncated": (users, encode(users, [b"bob@p72.com"])[:-3]),
        "padded": (users, encode(users, [b"carol"]) + b"=="),
        "other_key": (users, encode(users, [b"alice"], key=b"k" * 32)),
        "not_base64": (users, b"!!not+base64/=="),
        "high_byte_alias": (users, alias.replace(b"_", b"\xdf", 1)),
    }
    corpus = {name: page_token_input(scope, token) for name, (scope, token) in inputs.items()}
    corpus["scope_len_too_big"] = b"\xff" + b"short"
    corpus["empty"] = b""
    return corpus


def api_key():
    secret = "Qm9vbXNoYWthbGFrYS1tYWtlcy1hLWtleS1mb3ItdXM"  # 43 characters, as RandomToken(32)
    assert len(secret) == 43
    return {
        "valid": f"rck_abcdefghij234567_{secret}",
        "valid_underscore_in_secret": f"rck_k1_{secret[:20]}_{secret[20:]}",
        "valid_id_32": f"rck_{'a' * 32}_{secret}",
        "valid_secret_32": f"rck_key1_{'A' * 32}",
        "valid_secret_128": f"rck_key1_{'-' * 128}",
        "id_33": f"rck_{'a' * 33}_{secret}",
        "secret_31": f"rck_key1_{'A' * 31}",
        "secret_129": f"rck_key1_{'z' * 129}",
        "uppercase_id": f"rck_ABC_{secret}",
        "empty_id": f"rck__{secret}",
        "no_secret": "rck_abc_",
        "prefix_only": "rck_",
        "bearer": f"Bearer rck_abc_{secret}",
        "trailing_newline": f"rck_abc_{secret}\n",
        "nul_in_secret": f"rck_abc_{secret[:20]}\0{secret[20:]}",
        "base64_padding": f"rck_abc_{secret}=",
    }


def copy_line():
    return {
        "fields_and_null": "a\t\\N\t\tlast",
        "with_newline": "x\t3\n",
        "every_escape": "\\\\\t\\b\\f\\n\\r\\t\\v\t\\101\\7\\0\\377\t\\x41\\x4\\xfF\t\\q\\'\\\"",
        "escaped_raw_tab": "a\\\tb\tc",
        "dangling_backslash": "dangling\\",
        "dangling_before_newline": "x\\\n",
        "null_after_text": "x\\N",
        "text_after_null": "\\Nx\ty",
        "double_null": "\\N\\N",
        "bad_hex": "\\xZZ",
        "raw_bytes": b"\x00\xff\tcaf\xc3\xa9\r\x85",
        "empty": "",
        "only_newline": "\n",
        "only_tabs": "\t\t\t",
        "row": "usr_abc\talice@p72.com\tAlice\t\\N\t2024-01-01 12:00:00+00\n",
    }


def users_yaml():
    return {
        "reference": reference_example("kReferenceUsersFile"),
        "flow": "create_users:\n  - {name: a, email: a@b.co, password: null, is_sso_user: true}\n",
        "quoted": 'create_users:\n  - name: "O\'Brien \\"x\\" \\u00e9\\n"\n    email: \'o@b.co\'\n    title: |\n      two\n      lines\n',
        "anchors": "create_users:\n  - &u {name: a, email: a@b.co, is_sso_user: yes}\n  - *u\n  - <<: *u\n    name: b\n",
        "bom_crlf": b"\xef\xbb\xbfcreate_users:\r\n  - name: \"\\u00e9\\t\\x00\"\r\n    email: e@b.co\r\n",
        "unknown_key": "create_users:\n  - name: a\n    email: a@b.co\n    role: owner\n",
        "extra_top_key": "create_users: []\nextra: 1\n",
        "syntax_error": "create_users:\n  - name: a\n    email: [unclosed\n",
        "not_a_list": "create_users: 3\n",
        "top_level_list": "- a\n- b\n",
        "wrong_types": "create_users:\n  - name: [a, b]\n    is_sso_user: maybe\n  - 7\n",
        "complex_key": "create_users: []\n? [a, b]\n: c\n",
        "null_key": "create_users:\n  - ~: x\n    name: a\n",
        "map_key_in_entry": "create_users:\n  - {name: a, {x: 1}: 2}\n",
        "deep": "create_users: " + "[" * 60 + "]" * 60 + "\n",
        "bom_tabs_nul": b"\xef\xbb\xbfcreate_users:\n\t- name: a\x00\n",
        # Found by the fuzzer: a value that is not UTF-8 (a proto3 string cannot carry it).
        "latin1_value": b"create_users:\n  - name: Jos\xe9\n    email: j@b.co\n",
        "empty": "",
        "multi_doc": "create_users: []\n---\ncreate_users: [{name: b}]\n...\n",
    }


def input_():
    # byte 0: prefix (0 usr_, 1 ug_, 2 cld_, 3 prj_, 4 org_); byte 1: CheckText's max_chars.
    inputs = {
        "usr": (0, 64, "usr_abcdefghij234567"),
        "ug": (1, 64, "ug_admins"),
        "cld": (2, 64, "cld_111"),
        "prj": (3, 64, "prj_111"),
        "org": (4, 64, "org_p72"),
        "id_body_32": (0, 64, "usr_" + "z9" * 16),
        "id_body_33": (0, 64, "usr_" + "a" * 33),
        "id_prefix_only": (2, 64, "cld_"),
        "id_wrong_prefix": (3, 64, "usr_abc"),
        "id_uppercase_quotes": (0, 64, "usr_ABC' OR '1'='1"),
        "newline_nul": (0, 16, b"usr_abc\nline\x00two\r\t\x7f"),
        "overlong_slash": (4, 8, b"org_\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf"),
        "c1_nel": (0, 8, b"Ann\xc2\x85Lee \xc2\x9f \xc2\xa0"),
        "surrogate": (0, 8, b"\xed\xa0\x80\xed\xbf\xbf"),
        "max_code_points": (0, 8, b"\xf4\x8f\xbf\xbf\xf4\x90\x80\x80\xf8\x88\x80\x80\x80"),
        "truncated_sequences": (0, 8, b"\xe2\x82 \xf0\x9f\x98 \xc3"),
        "emoji_cjk": (1, 4, "名前 😀 é"),
        "long_70_chars": (0, 64, "é" * 70),
        "exactly_64": (0, 64, "a" * 63 + "…"),
        "ellipsis_65": (0, 255, "…" * 65),
    }
    return {name: bytes([prefix, max_chars]) + as_bytes(value)
            for name, (prefix, max_chars, value) in inputs.items()}


# Fuzz target (corpus directory) -> its seed inputs, {file name: content}.
TARGETS = {"page_token": page_token, "api_key": api_key, "copy_line": copy_line,
           "users_yaml": users_yaml, "input": input_}

if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    for target, inputs in TARGETS.items():
        for name, data in inputs().items():
            write(target, name, data)
