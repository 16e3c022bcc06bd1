#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/ (the files are checked in; this script only
documents how they were made and remakes them: `python3 tests/fuzz/make_corpus.py`).

Page tokens are made the way PageTokenCodec::Encode makes them (BLAKE2b-128 keyed MAC, which is
libsodium's crypto_generichash, over varint(len scope) || scope || payload), with the fuzz target's
fixed key, so they decode.
"""
import base64
import hashlib
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
PAGE_TOKEN_KEY = b"rolecall-fuzz-page-token-key-32b"


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


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
    write("page_token", "valid_users", page_token_input(users, encode(users, [b"alice@p72.com", b"usr_abc"])))
    write("page_token", "valid_empty_cursor", page_token_input(users, encode(users, [])))
    write("page_token", "valid_filters", page_token_input(perms, encode(perms, [b"usr_aaa", b"cld_111"])))
    write("page_token", "valid_long_field", page_token_input(perms, encode(perms, [b"x" * 200, b"\x00\xff"])))
    write("page_token", "valid_empty_scope", page_token_input(b"", encode(b"", [b""])))
    write("page_token", "other_scope", page_token_input(perms, encode(users, [b"alice@p72.com"])))
    t = bytearray(encode(users, [b"bob@p72.com", b"usr_bob"]))
    t[5] = ord("A") if t[5] != ord("A") else ord("B")
    write("page_token", "tampered", page_token_input(users, bytes(t)))
    write("page_token", "truncated", page_token_input(users, encode(users, [b"bob@p72.com"])[:-3]))
    write("page_token", "padded", page_token_input(users, encode(users, [b"carol"]) + b"=="))
    write("page_token", "other_key", page_token_input(users, encode(users, [b"alice"], key=b"k" * 32)))
    write("page_token", "not_base64", page_token_input(users, b"!!not+base64/=="))
    # Found by the fuzzer: libsodium 1.0.18 reads any byte >= 0x80 as '_'; Decode now refuses it.
    alias = encode(users, [])
    assert b"_" in alias
    write("page_token", "high_byte_alias", page_token_input(users, alias.replace(b"_", b"\xdf", 1)))
    write("page_token", "scope_len_too_big", b"\xff" + b"short")
    write("page_token", "empty", b"")


def api_key():
    secret = "Qm9vbXNoYWthbGFrYS1tYWtlcy1hLWtleS1mb3ItdXM"  # 43 characters, as RandomToken(32)
    assert len(secret) == 43
    write("api_key", "valid", f"rck_abcdefghij234567_{secret}")
    write("api_key", "valid_underscore_in_secret", f"rck_k1_{secret[:20]}_{secret[20:]}")
    write("api_key", "valid_id_32", f"rck_{'a' * 32}_{secret}")
    write("api_key", "valid_secret_32", f"rck_key1_{'A' * 32}")
    write("api_key", "valid_secret_128", f"rck_key1_{'-' * 128}")
    write("api_key", "id_33", f"rck_{'a' * 33}_{secret}")
    write("api_key", "secret_31", f"rck_key1_{'A' * 31}")
    write("api_key", "secret_129", f"rck_key1_{'z' * 129}")
    write("api_key", "uppercase_id", f"rck_ABC_{secret}")
    write("api_key", "empty_id", f"rck__{secret}")
    write("api_key", "no_secret", "rck_abc_")
    write("api_key", "prefix_only", "rck_")
    write("api_key", "bearer", f"Bearer rck_abc_{secret}")
    write("api_key", "trailing_newline", f"rck_abc_{secret}\n")
    write("api_key", "nul_in_secret", f"rck_abc_{secret[:20]}\0{secret[20:]}")
    write("api_key", "base64_padding", f"rck_abc_{secret}=")


def copy_line():
    write("copy_line", "fields_and_null", "a\t\\N\t\tlast")
    write("copy_line", "with_newline", "x\t3\n")
    write("copy_line", "every_escape", "\\\\\t\\b\\f\\n\\r\\t\\v\t\\101\\7\\0\\377\t\\x41\\x4\\xfF\t\\q\\'\\\"")
    write("copy_line", "escaped_raw_tab", "a\\\tb\tc")
    write("copy_line", "dangling_backslash", "dangling\\")
    write("copy_line", "dangling_before_newline", "x\\\n")
    write("copy_line", "null_after_text", "x\\N")
    write("copy_line", "text_after_null", "\\Nx\ty")
    write("copy_line", "double_null", "\\N\\N")
    write("copy_line", "bad_hex", "\\xZZ")
    write("copy_line", "raw_bytes", b"\x00\xff\tcaf\xc3\xa9\r\x85")
    write("copy_line", "empty", "")
    write("copy_line", "only_newline", "\n")
    write("copy_line", "only_tabs", "\t\t\t")
    write("copy_line", "row", "usr_abc\talice@p72.com\tAlice\t\\N\t2024-01-01 12:00:00+00\n")


def users_yaml():
    reference = """create_users:
  - name: name1
    email: test1@anyscale.com
    password: ''
    is_sso_user: false
    lastname: lastname1
    title: title1
  - name: name2
    email: test2@anyscale.com
    password: ''
    is_sso_user: false
    lastname: lastname2
    title: title2
"""
    write("users_yaml", "reference", reference)
    write("users_yaml", "flow", "create_users:\n  - {name: a, email: a@b.co, password: null, is_sso_user: true}\n")
    write("users_yaml", "quoted", 'create_users:\n  - name: "O\'Brien \\"x\\" \\u00e9\\n"\n    email: \'o@b.co\'\n    title: |\n      two\n      lines\n')
    write("users_yaml", "anchors", "create_users:\n  - &u {name: a, email: a@b.co, is_sso_user: yes}\n  - *u\n  - <<: *u\n    name: b\n")
    write("users_yaml", "bom_crlf", b"\xef\xbb\xbfcreate_users:\r\n  - name: \"\\u00e9\\t\\x00\"\r\n    email: e@b.co\r\n")
    write("users_yaml", "unknown_key", "create_users:\n  - name: a\n    email: a@b.co\n    role: owner\n")
    write("users_yaml", "extra_top_key", "create_users: []\nextra: 1\n")
    write("users_yaml", "syntax_error", "create_users:\n  - name: a\n    email: [unclosed\n")
    write("users_yaml", "not_a_list", "create_users: 3\n")
    write("users_yaml", "top_level_list", "- a\n- b\n")
    write("users_yaml", "wrong_types", "create_users:\n  - name: [a, b]\n    is_sso_user: maybe\n  - 7\n")
    write("users_yaml", "complex_key", "create_users: []\n? [a, b]\n: c\n")
    write("users_yaml", "null_key", "create_users:\n  - ~: x\n    name: a\n")
    write("users_yaml", "map_key_in_entry", "create_users:\n  - {name: a, {x: 1}: 2}\n")
    write("users_yaml", "deep", "create_users: " + "[" * 60 + "]" * 60 + "\n")
    write("users_yaml", "bom_tabs_nul", b"\xef\xbb\xbfcreate_users:\n\t- name: a\x00\n")
    # Found by the fuzzer: a value that is not UTF-8 (a proto3 string cannot carry it).
    write("users_yaml", "latin1_value", b"create_users:\n  - name: Jos\xe9\n    email: j@b.co\n")
    write("users_yaml", "empty", "")
    write("users_yaml", "multi_doc", "create_users: []\n---\ncreate_users: [{name: b}]\n...\n")


def input_():
    # byte 0: prefix (0 usr_, 1 ug_, 2 cld_, 3 prj_, 4 org_); byte 1: CheckText's max_chars.
    def w(name, prefix, max_chars, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        write("input", name, bytes([prefix, max_chars]) + value)

    w("usr", 0, 64, "usr_abcdefghij234567")
    w("ug", 1, 64, "ug_admins")
    w("cld", 2, 64, "cld_111")
    w("prj", 3, 64, "prj_111")
    w("org", 4, 64, "org_p72")
    w("id_body_32", 0, 64, "usr_" + "z9" * 16)
    w("id_body_33", 0, 64, "usr_" + "a" * 33)
    w("id_prefix_only", 2, 64, "cld_")
    w("id_wrong_prefix", 3, 64, "usr_abc")
    w("id_uppercase_quotes", 0, 64, "usr_ABC' OR '1'='1")
    w("newline_nul", 0, 16, b"usr_abc\nline\x00two\r\t\x7f")
    w("overlong_slash", 4, 8, b"org_\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf")
    w("c1_nel", 0, 8, b"Ann\xc2\x85Lee \xc2\x9f \xc2\xa0")
    w("surrogate", 0, 8, b"\xed\xa0\x80\xed\xbf\xbf")
    w("max_code_points", 0, 8, b"\xf4\x8f\xbf\xbf\xf4\x90\x80\x80\xf8\x88\x80\x80\x80")
    w("truncated_sequences", 0, 8, b"\xe2\x82 \xf0\x9f\x98 \xc3")
    w("emoji_cjk", 1, 4, "名前 😀 é")
    w("long_70_chars", 0, 64, "é" * 70)
    w("exactly_64", 0, 64, "a" * 63 + "…")
    w("ellipsis_65", 0, 255, "…" * 65)


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    page_token()
    api_key()
    copy_line()
    users_yaml()
    input_()
