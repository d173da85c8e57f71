/**
 * Which picture URLs a profile answer may hand the launcher to download (`usablePicture` in
 * src/main/account/profile-lookup.ts): the profile service is another party, so a picture on the
 * player's own machine is taken only from a profile service on that machine too (the local
 * directory), never from a remote one that could aim the launcher at the player's ports.
 */
import { describe, expect, it } from 'vitest';
import { usablePicture } from '../../../src/main/account/profile-lookup';

const remote = 'https://profile.xboxlive.com/users/batch/profile/settings';
const local = 'http://127.0.0.1:5000/users/batch/profile/settings';

describe('usablePicture', () => {
  it('takes https pictures from any profile service, and loopback http from a local one', () => {
    expect(usablePicture('https://images.example.com/p.png', remote)).toBe(
      'https://images.example.com/p.png',
    );
    expect(usablePicture('https://images.example.com/p.png', local)).toBe(
      'https://images.example.com/p.png',
    );
    expect(usablePicture('http://127.0.0.1:5000/pic.png', local)).toBe(
      'http://127.0.0.1:5000/pic.png',
    );
    expect(usablePicture('http://localhost:5000/pic.png', 'http://localhost:5000/p')).toBe(
      'http://localhost:5000/pic.png',
    );
  });

  it.each([
    'http://127.0.0.1:5000/pic.png',
    'https://127.0.0.1:8080/pic.png',
    'https://127.1:8080/pic.png',
    'https://2130706433/pic.png',
    'https://127.9.9.9/pic.png',
    'https://127.10.20.30/pic.png',
    'https://localhost/pic.png',
    'https://LOCALHOST./pic.png',
    'https://admin.localhost/pic.png',
    'https://[::1]:9000/pic.png',
    'https://[::ffff:127.0.0.1]/pic.png',
  ])('refuses %s from a remote profile service', (picture) => {
    expect(usablePicture(picture, remote)).toBeUndefined();
  });

  it.each(['https://127.0.0.1.example.com/pic.png', 'https://[1::ffff:7f00:1]/pic.png'])(
    'takes %s from a remote profile service: a name or address that only holds a loopback one',
    (picture) => {
      expect(usablePicture(picture, remote)).toBe(picture);
    },
  );

  it('refuses plain http elsewhere, credentials, and what is not a URL', () => {
    expect(usablePicture('http://images.example.com/p.png', local)).toBeUndefined();
    expect(usablePicture('https://user:pw@images.example.com/p.png', remote)).toBeUndefined();
    expect(usablePicture('not a url', remote)).toBeUndefined();
    expect(usablePicture(undefined, remote)).toBeUndefined();
  });
});
