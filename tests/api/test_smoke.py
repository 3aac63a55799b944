from tests.conftest import post_comment


def test_post_then_read(client):
    created = post_comment(client, "Hello *world*")
    page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/post"}).json()
    assert page["comments"] == [created["comment"]]
    assert page["thread"]["count"] == 1
    assert page["thread"]["seq"] >= 1
