"""Every interface text is translated into Chinese, the default language."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "api" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("api/**.py", "python"), ("api/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def texts_in_the_code() -> set[str]:
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS)
    }


def test_every_interface_text_has_a_chinese_translation():
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = read_po(po, locale="zh")
    translated = {m.id for m in catalog if m.id and m.string}
    assert sorted(texts_in_the_code() - translated) == []


def test_the_compiled_catalog_matches_its_source():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source = {m.id: m.string for m in read_po(po, locale="zh") if m.id}
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == source


def test_pages_speak_chinese_first_and_english_on_request(anonymous_client):
    assert "登录" in anonymous_client.get("/login").text
    anonymous_client.get("/lang/en")
    assert "Sign in" in anonymous_client.get("/login").text


def test_the_committee_has_one_name_in_each_language():
    """DOMAIN.md's glossary: escalating is 报党委, so the body is 党委 on every page ("committee" in
    English); 两委 names only the joint meeting of the two committees (二议)."""
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = read_po(po, locale="zh")
    for message in catalog:
        english = str(message.id or "")
        if "committee" not in english.lower() or "two committees" in english.lower():
            continue
        assert "党委" in message.string and "两委" not in message.string, (english, message.string)
