/**
 * The directory's route table (src/directory/http-routes.ts) without a server: which resource each
 * path names, the methods it allows, and the paths that name none. The HTTP suites (status-codes,
 * handles, request-path) prove it is wired in; these pin each segment rule fast enough for mutation
 * testing (docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/directory/http-routes';

const guid = '8d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const scid = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';

describe('matchRoute', () => {
  it('routes POST /dev/tokens, in any letter case and with slashes around it', () => {
    const expected = { kind: 'route', route: { name: 'dev-tokens' }, methods: ['POST'] };
    expect(matchRoute('/dev/tokens')).toEqual(expected);
    expect(matchRoute('/DEV/Tokens')).toEqual(expected);
    expect(matchRoute('//dev/tokens//')).toEqual(expected);
    expect(matchRoute('dev/tokens')).toEqual(expected);
  });

  it('answers not-found for near misses of /dev/tokens', () => {
    for (const path of [
      '/dev',
      '/tokens',
      '/dev/tokens/x',
      '/dev/token',
      '/devs/tokens',
      '/x/tokens',
    ]) {
      expect(matchRoute(path), path).toEqual({ kind: 'not-found' });
    }
    // An empty segment in the middle counts as a segment.
    expect(matchRoute('/dev//tokens')).toEqual({ kind: 'not-found' });
  });

  it('answers not-found for the root and for a path of slashes only', () => {
    for (const path of ['', '/', '///'])
      expect(matchRoute(path), path).toEqual({ kind: 'not-found' });
  });

  it('routes POST /handles and POST /handles/query (any case)', () => {
    expect(matchRoute('/handles')).toEqual({
      kind: 'route',
      route: { name: 'handles' },
      methods: ['POST'],
    });
    expect(matchRoute('/Handles/')).toEqual({
      kind: 'route',
      route: { name: 'handles' },
      methods: ['POST'],
    });
    expect(matchRoute('/handles/QUERY')).toEqual({
      kind: 'route',
      route: { name: 'handles-query' },
      methods: ['POST'],
    });
  });

  it('routes a handle id to GET and DELETE, keeping the id as written', () => {
    expect(matchRoute(`/handles/${guid.toUpperCase()}`)).toEqual({
      kind: 'route',
      route: { name: 'handle', handleId: guid.toUpperCase() },
      methods: ['GET', 'DELETE'],
    });
    // Anything but "query" is a handle id here; the service validates it.
    expect(matchRoute('/handles/queries')).toEqual({
      kind: 'route',
      route: { name: 'handle', handleId: 'queries' },
      methods: ['GET', 'DELETE'],
    });
  });

  it("routes a handle's session to GET and PUT", () => {
    expect(matchRoute(`/handles/${guid}/Session`)).toEqual({
      kind: 'route',
      route: { name: 'handle-session', handleId: guid },
      methods: ['GET', 'PUT'],
    });
    expect(matchRoute('/handles/query/session')).toEqual({
      kind: 'route',
      route: { name: 'handle-session', handleId: 'query' },
      methods: ['GET', 'PUT'],
    });
  });

  it('answers not-found for other paths under /handles', () => {
    for (const path of [
      `/handles/${guid}/sessions`,
      `/handles/${guid}/members`,
      `/handles/${guid}/session/x`,
      '/handles/query/x',
    ]) {
      expect(matchRoute(path), path).toEqual({ kind: 'not-found' });
    }
  });

  it('routes a session by reference to GET and PUT, keeping each part as written', () => {
    expect(
      matchRoute(`/serviceConfigs/${scid.toUpperCase()}/sessionTemplates/Game/sessions/Night-1`),
    ).toEqual({
      kind: 'route',
      route: {
        name: 'session',
        ref: { scid: scid.toUpperCase(), templateName: 'Game', name: 'Night-1' },
      },
      methods: ['GET', 'PUT'],
    });
    expect(matchRoute(`/serviceconfigs/${scid}/sessiontemplates/game/SESSIONS/n/`)).toEqual({
      kind: 'route',
      route: { name: 'session', ref: { scid, templateName: 'game', name: 'n' } },
      methods: ['GET', 'PUT'],
    });
  });

  it("routes a session's members/me to DELETE only", () => {
    expect(
      matchRoute(`/serviceconfigs/${scid}/sessionTemplates/game/sessions/n/Members/ME`),
    ).toEqual({
      kind: 'route',
      route: { name: 'session-member-me', ref: { scid, templateName: 'game', name: 'n' } },
      methods: ['DELETE'],
    });
  });

  it('answers not-found for session paths with a wrong word or length', () => {
    for (const path of [
      '/serviceconfigs',
      `/serviceconfigs/${scid}`,
      `/serviceconfigs/${scid}/sessiontemplates/game`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions`,
      `/serviceconfigs/${scid}/templates/game/sessions/n`,
      `/serviceconfig/${scid}/sessiontemplates/game/sessions/n`,
      `/serviceconfigs/${scid}/sessiontemplates/game/session/n`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions/n/members`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions/n/member/me`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions/n/members/you`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions/n/members/me/x`,
      `/serviceconfigs/${scid}/sessiontemplates/game/sessions/n/x`,
    ]) {
      expect(matchRoute(path), path).toEqual({ kind: 'not-found' });
    }
  });

  it('decodes percent-escapes in every segment, the fixed words included', () => {
    expect(matchRoute('/handles/%71uery')).toEqual({
      kind: 'route',
      route: { name: 'handles-query' },
      methods: ['POST'],
    });
    expect(matchRoute(`/serviceconfigs/${scid}/sessiontemplates/game/sessions/a%20b`)).toEqual({
      kind: 'route',
      route: { name: 'session', ref: { scid, templateName: 'game', name: 'a b' } },
      methods: ['GET', 'PUT'],
    });
    // An escaped slash stays inside its segment.
    expect(matchRoute('/handles/a%2Fb')).toEqual({
      kind: 'route',
      route: { name: 'handle', handleId: 'a/b' },
      methods: ['GET', 'DELETE'],
    });
  });

  it('answers bad-path for a malformed percent-escape', () => {
    expect(matchRoute('/handles/%E0%A4%A')).toEqual({ kind: 'bad-path' });
    expect(matchRoute('/handles/%zz')).toEqual({ kind: 'bad-path' });
  });
});
