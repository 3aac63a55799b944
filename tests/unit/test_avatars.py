from xml.etree import ElementTree

from porch.avatars import HASH_PATTERN, avatar_svg, guest_avatar_hash

KEY = "secret-one-xxxxxxxx"


def test_guest_hash_is_keyed_and_hides_the_email():
    one = guest_avatar_hash(KEY, "blog", "Ann@Example.com ", "Ann")
    assert HASH_PATTERN.match(one)
    assert one == guest_avatar_hash(KEY, "blog", "ann@example.com", " Ann")
    assert one != guest_avatar_hash("secret-two-xxxxxxxx", "blog", "ann@example.com", "Ann")
    assert guest_avatar_hash(KEY, "blog", None, "Ann") != guest_avatar_hash(KEY, "blog", None, "Bob")


def test_guest_hash_mixes_in_the_name_and_the_site():
    one = guest_avatar_hash(KEY, "blog", "ann@example.com", "Ann")
    assert one != guest_avatar_hash(KEY, "blog", "ann@example.com", "Someone else")
    assert one != guest_avatar_hash(KEY, "other", "ann@example.com", "Ann")


def test_svg_is_well_formed_symmetric_and_differs_by_hash():
    first = avatar_svg("9f3a" * 8)
    root = ElementTree.fromstring(first)
    assert root.tag.endswith("svg")
    rects = root.iter("{http://www.w3.org/2000/svg}rect")
    cells = {(int(r.get("x")), int(r.get("y"))) for r in rects if r.get("x") is not None}
    assert cells
    # Column c sits at x = 8c + 4; its mirror image, column 4 - c, at x = 8(4 - c) + 4 = 40 - x.
    assert all((40 - x, y) in cells for x, y in cells)
    assert avatar_svg("a" * 32) != avatar_svg("b" * 32)
    assert b"<script" not in first
