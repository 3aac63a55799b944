import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { ApiError, createApi } from '../../widget/src/api.js';
import { deleteComment, editComment } from '../../widget/src/calls.js';

async function server(handler) {
  const srv = createServer(handler);
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { srv, base: `http://127.0.0.1:${srv.address().port}/porch/` };
}

test('requests carry JSON, the edit token and the auth headers; errors keep the server code', async () => {
  const seen = [];
  const { srv, base } = await server((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], token: req.headers['x-edit-token'], auth: req.headers.authorization, body });
      if (req.method === 'DELETE') return res.writeHead(204).end();
      if (req.method === 'PATCH') {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ error: { code: 'edit_window_closed', message: 'Too late.' } }));
      }
      if (req.url.startsWith('/porch/api/v1/sites/')) return res.writeHead(502).end('<html>bad gateway</html>');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  try {
    const api = createApi(base, () => ({ Authorization: 'Bearer s3cret' }));
    assert.deepEqual(await api.comments({ site: 'b', thread: '/a b', sort: 'newest' }), { ok: true });
    assert.deepEqual(await api.post({ site: 'b', text: 'hi' }), { ok: true });
    assert.equal(await deleteComment(api, 'c/1', 'tok'), null);
    await assert.rejects(editComment(api, '7', 'new', 'tok'), (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, 'edit_window_closed');
      assert.equal(error.status, 403);
      assert.equal(error.message, 'Too late.');
      return true;
    });
    await assert.rejects(api.site('b'), (error) => error.code === 'http_502');
    assert.equal(seen[0].url, '/porch/api/v1/comments?site=b&thread=%2Fa+b&sort=newest');
    assert.equal(seen[0].type, undefined, 'a GET stays a simple CORS request');
    assert.equal(seen[1].type, 'application/json');
    assert.deepEqual(JSON.parse(seen[1].body), { site: 'b', text: 'hi' });
    assert.equal(seen[2].url, '/porch/api/v1/comments/c%2F1');
    assert.equal(seen[2].token, 'tok');
    assert.equal(seen[3].method, 'PATCH');
    assert.deepEqual(JSON.parse(seen[3].body), { text: 'new' });
    assert.equal(seen[0].auth, undefined, 'public reads go without the session: no preflight');
    assert.equal(seen[4].auth, undefined);
    assert.ok(seen.slice(1, 4).every((r) => r.auth === 'Bearer s3cret'));
  } finally {
    srv.close();
  }
});

test('an unreachable server is the "network" error', async () => {
  const { srv, base } = await server(() => {});
  await new Promise((resolve) => srv.close(resolve));
  await assert.rejects(createApi(base).post({ site: 'b' }), (error) => error.code === 'network');
});
