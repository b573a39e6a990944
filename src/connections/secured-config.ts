/**
 * The config of a source or connection as it is stored (docs/domain-model.md): validated with its
 * provider's or connector's schema, secret fields encrypted into the `secrets` column, the
 * rest as JSON in the `config` column. One codec serves both services, so validation, secret
 * scrubbing and the merge-patch rules cannot drift apart.
 */
import type * as z from 'zod';
import { IpnhubError } from '../core/errors.js';
import { issueMessage, validationError } from './issue-message.js';
import type { SecretBox } from '../secrets/secret-box.js';
import {
  isConfigObject,
  mergeConfigPatch,
  openSecrets,
  parseConfigColumn,
  sealSecrets,
  secretStrings,
} from '../secrets/secret-fields.js';
import type { ConfigObject } from '../secrets/secret-fields.js';
import { unknownSettingsErrorMap, withoutUnknownSettings } from './unknown-settings.js';

/** What a provider or connector contributes to its stored config. */
export interface ConfigSpec {
  id: string;
  configSchema: z.ZodType<unknown>;
  /** Paths of the fields encrypted at rest and never shown. */
  secretFields: readonly string[];
}

/** The two columns a config is stored in. */
export interface StoredConfig {
  /** JSON of the non-secret fields. */
  config: string;
  /** The encrypted secret fields (see `sealSecrets`). */
  secrets: string;
}

/** A validated config, sealed for storage. */
export interface SealedConfig {
  stored: StoredConfig;
  /** The config as the schema parsed it, secrets included (defaults filled in). */
  config: ConfigObject;
}

export interface SecuredConfigCodec {
  /**
   * Validates a complete submitted config and seals it. Rejected → `IpnhubError('INVALID_CONFIG')`
   * with `<path>: <message>`, scrubbed of the submitted secret values; an unknown key is named
   * with the closest valid one.
   */
  seal(spec: ConfigSpec, submitted: unknown): SealedConfig;
  /**
   * Applies a partial config (JSON Merge Patch at the top level, see `mergeConfigPatch`) to the
   * stored one, re-validates the result and seals it; `merged` is what was validated. A patch
   * that is not an object, or a merged config the schema rejects → `INVALID_CONFIG` (scrubbed).
   */
  patch(
    spec: ConfigSpec,
    stored: StoredConfig,
    patch: unknown,
  ): SealedConfig & { merged: ConfigObject };
  /**
   * The stored config with its secrets decrypted and `patch` applied as `patch` applies it, not
   * validated (the admin UI's preview of a connection being edited). A patch that is not an
   * object → `INVALID_CONFIG`.
   */
  merge(spec: ConfigSpec, stored: StoredConfig, patch: unknown): ConfigObject;
  /**
   * The full config with secrets decrypted, parsed by the schema; left unparsed when there is no
   * spec (the extension is not installed in this build). Keys the schema does not know are left
   * out and passed to `onUnknown` (dot paths): what was stored keeps working, whatever an older
   * version accepted. A stored config the schema otherwise rejects → `INVALID_CONFIG` with the
   * detail prefixed by `<label>: ` (scrubbed).
   */
  open(
    spec: ConfigSpec | undefined,
    stored: StoredConfig,
    label: string,
    onUnknown?: (paths: string[]) => void,
  ): unknown;
}

/** `kind` names what a spec is (`provider`, `connector`) in bug reports. */
export function createSecuredConfigCodec(secretBox: SecretBox, kind: string): SecuredConfigCodec {
  /** Validates a complete config; `submitted` are the values to scrub from messages. */
  function validate(
    spec: ConfigSpec,
    config: unknown,
    submitted: readonly unknown[],
  ): ConfigObject {
    const parsed = spec.configSchema.safeParse(config, { error: unknownSettingsErrorMap });
    if (!parsed.success) {
      throw validationError('INVALID_CONFIG', parsed.error, {
        redact: secretStrings(submitted, spec.secretFields),
        input: config,
      });
    }
    if (!isConfigObject(parsed.data))
      throw new Error(`${kind} ${spec.id}: configSchema must produce an object`);
    return parsed.data;
  }

  function sealed(spec: ConfigSpec, config: ConfigObject): SealedConfig {
    const { plain, secrets } = sealSecrets(config, spec.secretFields, secretBox);
    return { stored: { config: JSON.stringify(plain), secrets }, config };
  }

  const openFull = (stored: StoredConfig): ConfigObject =>
    openSecrets(parseConfigColumn(stored.config), stored.secrets, secretBox);

  return {
    seal(spec, submitted) {
      return sealed(spec, validate(spec, submitted, [submitted]));
    },

    merge(spec, stored, patch) {
      if (!isConfigObject(patch))
        throw new IpnhubError(
          'INVALID_CONFIG',
          '(root): expected an object with the fields to change',
        );
      return mergeConfigPatch(openFull(stored), patch, spec.secretFields);
    },

    patch(spec, stored, patch) {
      const merged = this.merge(spec, stored, patch);
      return { ...sealed(spec, validate(spec, merged, [merged, patch])), merged };
    },

    open(spec, stored, label, onUnknown) {
      const full = openFull(stored);
      if (!spec) return full;
      let parsed = spec.configSchema.safeParse(full);
      if (!parsed.success) {
        const known = withoutUnknownSettings(full, parsed.error.issues);
        if (known.dropped.length > 0) {
          parsed = spec.configSchema.safeParse(known.config);
          if (parsed.success) onUnknown?.(known.dropped);
        }
      }
      if (!parsed.success) {
        const detail = issueMessage(parsed.error, {
          redact: secretStrings([full], spec.secretFields),
          input: full,
        });
        throw new IpnhubError('INVALID_CONFIG', `${label}: ${detail}`);
      }
      return parsed.data;
    },
  };
}
