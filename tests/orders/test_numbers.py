"""Order numbers in messages: every format we know, in several languages; and what must not
be taken for one (postcodes, phone numbers, prices, dates, tracking numbers)."""

from __future__ import annotations

import pytest

from app.errors import AppError
from app.orders.numbers import find_order_numbers, normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("where is order #1066? need the rug before thanksgiving", ["#1066"]),
    ("Hallo, hier nochmal Lukas Hoffmann, Bestellung 1057. Kann mich bitte ein Mensch "
     "anrufen? 0151 12345678", ["#1057"]),
    ("meine Bestellnummer: 1035", ["#1035"]),
    ("au sujet de ma commande n° 1042 (vase arrivé cassé)", ["#1042"]),
    ("quiero cancelar el pedido número 1095", ["#1095"]),
    ("ho appena fatto l'ordine 1074 (piumino 200x200)", ["#1074"]),
    ("Fiz uma encomenda ontem no vosso site (#1086)", ["#1086"]),
    ("het adres van mijn bestelling 1081 aangepast", ["#1081"]),
    ("注文番号 #1071（セラミック花瓶「Dune」）", ["#1071"]),
    ("注文番号１０７９です", ["#1079"]),
    ("我的订单号：1090 还没到", ["#1090"]),
    ("訂單編號 1063", ["#1063"]),
    ("order no. 1093, 4 emails and zero replies", ["#1093"]),
    ("Amazon order 302-4817265-7731049 hasn't arrived", ["302-4817265-7731049"]),
    ("eBay 04-13592-77410 wrong knife", ["04-13592-77410"]),
    ("Amazon 114–3928471–5520913 (en dashes)", ["114-3928471-5520913"]),
    ("my order ll-204317 and again LL-204317", ["LL-204317"]),
    ("Shopee 2611127QH3RT2K 一個破掉了", ["2611127QH3RT2K"]),
    ("ordered this lamp 3 weeks ago (order 577203948816204513)", ["577203948816204513"]),
    ("orders #1042 and #1063, also LL-204352 and 17-12044-96581",
     ["#1042", "#1063", "LL-204352", "17-12044-96581"]),
])
def test_finds_order_numbers_in_every_format_and_language(text, expected):
    assert find_order_numbers(text) == expected


@pytest.mark.parametrize("text", [
    "Via Mazzini 12, 20123 Milano",                       # postcodes
    "Schulz Ferienwohnungen GbR, Seestraße 14, 23743 Grömitz",
    "12 rue des Lilas, 69003 Lyon",
    "1072 AB Amsterdam; London SW1A 1AA; 150-0001 Tokyo",
    "ruf mich an: 0151 12345678 oder +49 151 12345678",   # phone numbers
    "call +1 (415) 555-0123 or +447700900123",
    "2x €89,90 afgeschreven, total 214,80 € and $189",   # prices
    "order 1290 € please; order 1290.50; order 4999 CHF; ¥12800",
    "Die Post will 47.30 CHF; R$ 68,40 de imposto",
    "bestellt am 12.11., Frist bis 28.11.2026, 2026-11-20, 11/14/2026, 11月14日",  # dates
    "Bestellung vom 12.11.2026",
    "tracking 1Z999AA10123456784, JD014600006281234567, 00340434161094042557",  # tracking
    "USPS 9400111202555842761023, Royal Mail TT482731955GB, Yamato 4829-1736-5018",
    "577203948816204513 without an order word is a tracking number",
    "we're #1! and &#1234; is an HTML entity",
    "order of 2 mugs, order 129 €",
])
def test_takes_no_postcode_phone_price_date_or_tracking_number(text):
    assert find_order_numbers(text) == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("#1001", "#1001"), ("1001", "#1001"), (" # 1001 ", "#1001"), ("＃１００１", "#1001"),
    ("ll-123456", "LL-123456"), ("LL-123456", "LL-123456"),
    ("302-4817265-7731049", "302-4817265-7731049"), ("04-13592-77410", "04-13592-77410"),
    ("2611127qh3rt2k", "2611127QH3RT2K"), ("577203948816204513", "577203948816204513"),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "LL-12345", "hello", "1Z999AA10123456784"])
def test_normalise_refuses_what_is_no_order_number(raw):
    with pytest.raises(AppError) as caught:
        normalise(raw)
    assert caught.value.status_code == 422
    assert caught.value.fields[0].field == "order_number"
