/**
 * Test certificates built with node-forge (tests only): a CA and leaf certificates it signs,
 * so tests can sign webhook deliveries with their own keys. Keys come from node:crypto
 * (fast); node-forge assembles and signs the X.509 certificates.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface LeafOptions {
  commonName: string;
  notBefore: string;
  notAfter: string;
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

let serial = 0x1000;

function build(
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  publicKeyPem: string,
  signerKeyPem: string,
  options: { notBefore: string; notAfter: string; ca: boolean },
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // Four hex digits below 0x8000: a minimal, positive DER INTEGER (OpenSSL rejects padded ones).
  cert.serialNumber = (serial++).toString(16);
  cert.validity.notBefore = new Date(options.notBefore);
  cert.validity.notAfter = new Date(options.notAfter);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', keyCertSign: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true },
        ],
  );
  cert.sign(forge.pki.privateKeyFromPem(signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const CA_SUBJECT: forge.pki.CertificateField[] = [
  { name: 'commonName', value: 'ipnhub test CA' },
  { name: 'organizationName', value: 'ipnhub tests' },
];

/** A self-signed test CA, valid 2010–2050. */
export function createTestCa(): TestCertificate {
  const keys = rsaKeyPair();
  return {
    certificatePem: build(CA_SUBJECT, CA_SUBJECT, keys.publicKeyPem, keys.privateKeyPem, {
      notBefore: '2010-01-01T00:00:00Z',
      notAfter: '2050-01-01T00:00:00Z',
      ca: true,
    }),
    privateKeyPem: keys.privateKeyPem,
  };
}

/** A leaf certificate for `commonName`, signed by `ca`, with its own fresh key. */
export function issueLeaf(ca: TestCertificate, options: LeafOptions): TestCertificate {
  const keys = rsaKeyPair();
  const subject: forge.pki.CertificateField[] = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: 'PayPal, Inc.' },
  ];
  return {
    certificatePem: build(subject, CA_SUBJECT, keys.publicKeyPem, ca.privateKeyPem, {
      ...options,
      ca: false,
    }),
    privateKeyPem: keys.privateKeyPem,
  };
}
