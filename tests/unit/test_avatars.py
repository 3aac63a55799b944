from xml.etree import ElementTree

from porch.avatars import HASH_PATTERN, avatar_hash, avatar_svg


def test_hash_is_keyed_and_hides_the_email():
    one = avatar_hash("secret-one-xxxxxxxx", "Ann@Example.com ", "Ann")
    assert HASH_PATTERN.match(one)
    assert one == avatar_hash("secret-one-xxxxxxxx", "ann@example.com", "Someone else")
    assert one != avatar_hash("secret-two-xxxxxxxx", "ann@example.com", "Ann")
    assert avatar_hash("k" * 20, None, "Ann") != avatar_hash("k" * 20, None, "Bob")


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
