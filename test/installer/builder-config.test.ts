/**
 * electron-builder.yml, checked the two ways electron-builder itself checks it (its JSON schema,
 * and its own loader + validator), then for what the installers must do: register the invite
 * schemes the launcher parses, build the promised targets, ship only dist/, and flip the fuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { Configuration } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';
import {
  defaultInviteLinkConfig,
  developmentInviteLinkConfig,
  isInviteLinkScheme,
} from '../../src/shared/invite-link';
import { linuxIconSizes, mainIconSize } from '../../scripts/render-icons';
import { schemesToRegister } from '../../src/main/intake/protocol-registration-plan';
import {
  appBuilderSchemePath,
  loadResolvedBuilderConfig,
  readRawBuilderConfig,
  registeredSchemes,
  repoRoot,
} from './electron-builder-config';

/** RFC 3986 scheme grammar; Windows and freedesktop both reject anything else. */
const schemeGrammar = /^[a-z][a-z0-9+.-]*$/;

// The options app-builder-lib's own validator uses (schemaValidator.js): its scheme.json holds
// `typeof` keywords that strict mode would refuse. Compiling the large schema takes a second: once.
const validate = new Ajv({ allErrors: true, strict: false, coerceTypes: true }).compile(
  JSON.parse(readFileSync(appBuilderSchemePath, 'utf8')) as object,
);

function targetNames(target: unknown): string[] {
  return [target ?? []]
    .flat()
    .map((entry) => (typeof entry === 'string' ? entry : (entry as { target: string }).target));
}

describe('electron-builder.yml against app-builder-lib scheme.json', () => {
  it('is valid', () => {
    const valid = validate(readRawBuilderConfig());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('refuses a misspelt option, so the check above can fail', () => {
    const raw = readRawBuilderConfig();
    const broken = { ...raw, nsis: { ...(raw.nsis as object), perMachin: false } };
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('perMachin');
  });
});

describe('electron-builder.yml as electron-builder loads it', () => {
  it('passes electron-builder validation (schema and removed options)', async () => {
    await expect(loadResolvedBuilderConfig()).resolves.toBeDefined();
  });

  it('names the product and keeps the app id that Windows upgrades hang on', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.productName).toBe('Rallypoint');
    expect(config.appId).toBe('gg.rallypoint.launcher');
    // The Windows executable is what installer.nsh registers: "$INSTDIR\Rallypoint.exe".
    expect(config.win?.executableName).toBe('Rallypoint');
    expect(config.linux?.executableName).toBe('rallypoint');
  });

  it('writes installers to release/, never into dist/ which holds the program, and uploads nothing', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.publish).toBeNull();
    expect(config.directories?.output).toBe('release');
    expect(config.directories?.buildResources).toBe('build');
  });

  it('packs only dist/ (without source maps) and package.json into an asar', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.asar).toBe(true);
    const filters = [config.files ?? []]
      .flat()
      .flatMap((set) => (typeof set === 'string' ? [set] : [set.filter ?? []].flat()));
    expect(filters.sort()).toEqual(['!**/*.map', 'dist/**', 'package.json'].sort());
    // Beside the asar, only the studio settings (studio-settings.test.ts).
    expect(config.extraResources ?? []).toEqual([
      { from: 'build/studio-settings.json', to: 'studio-settings.json' },
    ]);
    expect(config.extraFiles ?? []).toEqual([]);
  });

  it('registers the launcher scheme and the title scheme the invite parser accepts', async () => {
    const config = await loadResolvedBuilderConfig();
    const schemes = registeredSchemes(config);
    expect(schemes).toEqual([
      ...defaultInviteLinkConfig.schemes,
      `ms-xbl-${defaultInviteLinkConfig.titleId.toLowerCase()}`,
    ]);
    for (const scheme of schemes) {
      expect(scheme).toMatch(schemeGrammar);
      expect(isInviteLinkScheme(scheme, defaultInviteLinkConfig)).toBe(true);
    }
    // ms-xbl-multiplayer is shared by every Xbox title on the machine; the development scheme
    // belongs to unpackaged builds only.
    expect(schemes).not.toContain('ms-xbl-multiplayer');
    const devOnly = developmentInviteLinkConfig.schemes.filter(
      (scheme) => !defaultInviteLinkConfig.schemes.includes(scheme),
    );
    for (const scheme of devOnly) expect(schemes).not.toContain(scheme);
  });

  it('registers the same schemes the packaged launcher claims again at run time', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(registeredSchemes(config)).toEqual(schemesToRegister(defaultInviteLinkConfig, true));
  });

  it('gives macOS what it needs for CFBundleURLTypes: a name, a role and schemes', async () => {
    const config = await loadResolvedBuilderConfig();
    // electron-builder maps each top-level protocol to one CFBundleURLTypes entry (electronMac);
    // a mac-level `protocols` would be appended, so there must be none.
    expect(config.mac?.protocols).toBeUndefined();
    for (const protocol of [config.protocols ?? []].flat()) {
      expect(protocol.name.length).toBeGreaterThan(0);
      expect(protocol.role).toBe('Viewer');
      expect([protocol.schemes].flat().length).toBeGreaterThan(0);
    }
  });

  it('builds a per-user NSIS installer with the protocol include, a dmg, an AppImage and a deb', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(targetNames(config.win?.target)).toEqual(['nsis']);
    expect(config.nsis?.perMachine).toBe(false);
    expect(config.nsis?.oneClick).toBe(true);
    expect(config.nsis?.include).toBe('build/installer.nsh');
    expect(readFileSync(join(repoRoot, config.nsis?.include ?? ''), 'utf8')).toContain(
      '!macro customInstall',
    );
    expect(targetNames(config.mac?.target)).toEqual(['dmg']);
    expect(targetNames(config.linux?.target)).toEqual(['AppImage', 'deb']);
  });

  it('names the Linux desktop entry rallypoint.desktop, the name Electron reports to the desktop', async () => {
    const config: Configuration = await loadResolvedBuilderConfig();
    expect(config.extraMetadata?.desktopName).toBe('rallypoint.desktop');
    expect(config.linux?.syncDesktopName).toBe(true);
    expect(config.linux?.category).toBe('Game');
    // electron-builder refuses an Exec override; it writes `<exe> %U` itself.
    expect(config.linux?.desktop?.entry?.Exec).toBeUndefined();
  });

  it('has what the deb target refuses to build without: a homepage and a maintainer', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.extraMetadata?.homepage).toMatch(/^https:\/\//);
    expect(config.linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
  });

  it('flips the Electron fuses that close side doors into the app', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('points every platform at an icon already in its format', async () => {
    const config = await loadResolvedBuilderConfig();
    expect(config.win?.icon).toBe('build/icon.ico');
    expect(config.mac?.icon).toBe('build/icon.icns');
    expect(config.linux?.icon).toBe('build/icons');

    // ICO: type 1, and a 256 px entry (width byte 0), which Windows needs for large tiles.
    const ico = readFileSync(join(repoRoot, 'build/icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const entries = ico.readUInt16LE(4);
    const widths = Array.from({ length: entries }, (_, i) => ico[6 + i * 16] || 256);
    expect(widths).toContain(256);
    expect(widths).toContain(16);

    // ICNS: magic, a length that matches the file, and the 1024 px (ic10) and 512 px (ic09) chunks.
    const icns = readFileSync(join(repoRoot, 'build/icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const chunks: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      chunks.push(icns.toString('latin1', at, at + 4));
    }
    expect(chunks).toEqual(expect.arrayContaining(['ic10', 'ic09', 'ic07']));

    // PNG set: each file is a PNG of the size its name says (IHDR width and height).
    for (const size of [...linuxIconSizes, mainIconSize]) {
      const name = size === mainIconSize ? 'icon.png' : `icons/${size}x${size}.png`;
      const png = readFileSync(join(repoRoot, 'build', name));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], name).toEqual([size, size]);
    }
  });

  it('is the configuration `npm run dist` builds with', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
    expect(pkg.scripts.dist).toMatch(/^npm run -s build && /);
  });
});
