import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router, type Route } from '../../src/api/router.js';
import { resources } from '../../src/resources/index.js';
import { assemble } from '../../src/resources/module.js';

/**
 * The rule the router documents, written out plainly: of the routes of the method and the path's
 * length, the one with the most static segments wins, then the one declared first; `:params` are
 * decoded, and a param that is not decodable or holds a NUL matches nothing.
 */
function byScan(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const statics = (r: Route) => r.path.split('/').filter((s) => s !== '' && !s.startsWith(':')).length;
  const ordered = routes.filter((r) => r.method === method).sort((a, b) => statics(b) - statics(a));
  const parts = path.split('/').filter(Boolean);
  for (const route of ordered) {
    const segments = route.path.split('/').filter(Boolean);
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const seg = segments[i] as string;
      const part = parts[i] as string;
      if (!seg.startsWith(':')) ok = seg === part;
      else {
        try {
          const value = decodeURIComponent(part);
          ok = !value.includes('\u0000');
          params[seg.slice(1)] = value;
        } catch {
          ok = false;
        }
      }
    }
    if (ok) return { route, params };
  }
  return undefined;
}

describe('router', () => {
  const { routes } = assemble(resources);
  const router = new Router(routes);

  it('answers every real route as the rule says, for paths of every shape', () => {
    const paths = new Set<string>();
    for (const r of routes) {
      const filled = r.path.replace(/:[a-z_]+/g, 'cus_0Vd5Nq%20x');
      paths.add(filled);
      paths.add(r.path.replace(/:[a-z_]+/g, 'search'));
      paths.add(r.path.replace(/:[a-z_]+/g, '%E0%A4%A')); // not decodable
      paths.add(r.path.replace(/:[a-z_]+/g, 'a%00b')); // a NUL
      paths.add(`${filled}/extra`);
      paths.add(filled.split('/').slice(0, -1).join('/'));
      paths.add(filled.replace('/v1/', '/v1/unknown_things/'));
    }
    paths.add('/');
    paths.add('/v1');
    paths.add('/v1/');
    let compared = 0;
    for (const method of ['GET', 'POST', 'DELETE', 'PUT']) {
      for (const path of paths) {
        const want = byScan(routes, method, path);
        const got = router.match(method, path);
        assert.equal(got?.route, want?.route, `${method} ${path}`);
        assert.deepEqual(got?.params, want?.params, `${method} ${path}`);
        compared++;
      }
    }
    assert.ok(routes.length > 100 && compared > routes.length * 4, `${routes.length} routes, ${compared} paths compared`);
  });

  it('orders routes by their static segments whatever their declaration order, :params in the second segment included', () => {
    const handler = () => Promise.resolve(null);
    const made: Route[] = [
      { method: 'GET', path: '/v1/things/:id', handler },
      { method: 'GET', path: '/v1/:kind/:id', handler },
      { method: 'GET', path: '/v1/:kind/search', handler },
      { method: 'GET', path: '/v1/things/search', handler },
      { method: 'POST', path: '/v1/:kind', handler },
      { method: 'GET', path: '/v1/stuff/special', handler },
    ];
    const small = new Router(made);
    const cases: Array<[string, string, string | undefined]> = [
      ['GET', '/v1/things/search', '/v1/things/search'],
      ['GET', '/v1/things/thg_1', '/v1/things/:id'],
      ['GET', '/v1/others/search', '/v1/:kind/search'],
      ['GET', '/v1/others/oth_1', '/v1/:kind/:id'],
      ['POST', '/v1/others', '/v1/:kind'],
      ['GET', '/v1/things', undefined],
      ['GET', '/v1/stuff/special', '/v1/stuff/special'],
      ['GET', '/v1/stuff/other', '/v1/:kind/:id'],
    ];
    for (const [method, path, want] of cases) {
      assert.equal(small.match(method, path)?.route.path, want, `${method} ${path}`);
      assert.equal(small.match(method, path)?.route, byScan(made, method, path)?.route, `${method} ${path} by scan`);
    }
  });

  it('prefers a static segment to a :param, and decodes params', () => {
    assert.equal(router.match('GET', '/v1/customers/search')?.route.path, '/v1/customers/search');
    assert.deepEqual(router.match('GET', '/v1/customers/cus_%41')?.params, { id: 'cus_A' });
    assert.equal(router.match('GET', '/v1/no_such_resource/x'), undefined);
    assert.equal(router.match('PATCH', '/v1/customers'), undefined);
  });
});
