/**
 * The fake PayPal's signing certificate and its private key: a self-signed RSA-2048
 * certificate, valid 2025-01-01 to 2045-01-01, CN `ipnhub fake PayPal (INSECURE, dev only)`,
 * generated once, offline, with node-forge.
 *
 * Both halves are PUBLIC — they are in the source tree. Anyone can sign with this key, so the
 * certificate proves nothing. ipnhub only fetches it when a source's `apiBaseUrl` points at the
 * fake (certificate URLs under that base are the operator's explicit choice; see the
 * paypal-webhooks provider's cert-url check); a source without `apiBaseUrl` accepts certificates
 * from PayPal hosts only, so this key can never sign for a production source.
 */

/** PEM of the fake's self-signed certificate (served at `/v1/notifications/certs/CERT-ipnhub-dev`). */
export const DEV_CERTIFICATE_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIDNzCCAh+gAwIBAgIFAafA/+4wDQYJKoZIhvcNAQELBQAwTzEwMC4GA1UEAxMn',
  'aXBuaHViIGZha2UgUGF5UGFsIChJTlNFQ1VSRSwgZGV2IG9ubHkpMRswGQYDVQQK',
  'ExJpcG5odWIgZGV2ZWxvcG1lbnQwHhcNMjUwMTAxMDAwMDAwWhcNNDUwMTAxMDAw',
  'MDAwWjBPMTAwLgYDVQQDEydpcG5odWIgZmFrZSBQYXlQYWwgKElOU0VDVVJFLCBk',
  'ZXYgb25seSkxGzAZBgNVBAoTEmlwbmh1YiBkZXZlbG9wbWVudDCCASIwDQYJKoZI',
  'hvcNAQEBBQADggEPADCCAQoCggEBALsm2R0d99++qxPr+UjjBVx+3rY17L58StLT',
  'RFbLZ/m0qYMyg13seNlVdUAV3jFYY/hjKRc2FN1OLBrfJswnFaCcJVb8m8YxbYq3',
  'KLm8H7/uPN76bBhg7HgfpbMUEMlhmZBIf4mN0obWil3GI0b9Y1YDRkYw5XuZgsfg',
  'MBrWIWKaBDvHlVpKa2Akka5IiMuMlMUIzNkAW6XkTcb2nmwk73eQEhMUbvrBVUHP',
  'v/52atFf77fG7yB4F8ZrkPMS9YFIXvNFr1D7fhMkof+wcln8PL5qQRiSzx4Nsygi',
  'rmdveh07JR9WvRqZdUHJu/wambu123AJMwKZmYkej72NyxKlF58CAwEAAaMaMBgw',
  'CQYDVR0TBAIwADALBgNVHQ8EBAMCB4AwDQYJKoZIhvcNAQELBQADggEBAEGOtxqQ',
  '1x8A4NOHx+JnKr4xoSXYQrLzW1nYKvE8w2lbd1i3PytshpyHIwTQGVyHZ7KL/w4W',
  '5PmEzY/ILq6gccWCY8f2AMfWdCWFO5cXcyevPSVsta8degmtPYxYnuODzRSYMRO1',
  '+kvlhwd6+N41UfJ9QKNmdis+dSjhYSa0y/4M0MUBXssFZbes5Ds1BVpaZMdaOUiw',
  'YsdxOWP+V9hLFf/wX8dKmbadieCzkHB86II3PEK8FnAQ/6OY59E/2swUU3KxC1H4',
  'pHivVhMeKmm+COHPdvxg5vZNBResdrM7gMIGr/Kv6cAAww9zliNMTeqY7Krl8B4T',
  'xX6oGMO+Q6C9cLk=',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

/** PEM (PKCS#1) of the certificate's private key; the simulator signs fake deliveries with it. */
export const DEV_PRIVATE_KEY_PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAuybZHR33376rE+v5SOMFXH7etjXsvnxK0tNEVstn+bSpgzKD',
  'Xex42VV1QBXeMVhj+GMpFzYU3U4sGt8mzCcVoJwlVvybxjFtircoubwfv+483vps',
  'GGDseB+lsxQQyWGZkEh/iY3ShtaKXcYjRv1jVgNGRjDle5mCx+AwGtYhYpoEO8eV',
  'WkprYCSRrkiIy4yUxQjM2QBbpeRNxvaebCTvd5ASExRu+sFVQc+//nZq0V/vt8bv',
  'IHgXxmuQ8xL1gUhe80WvUPt+EySh/7ByWfw8vmpBGJLPHg2zKCKuZ296HTslH1a9',
  'Gpl1Qcm7/BqZu7XbcAkzApmZiR6PvY3LEqUXnwIDAQABAoIBABUH8ToJFhkkpLZL',
  'vEBpPT7/BX6rDKb98gKYZIOZvrNxjo2vGCgZMh4U27o55Yrcs09EWr0VrL6PJvxW',
  'EKwRxae+JEwO0wqF9MNegHXEIuU/Rm6K7FQeVYnM301XzJMfeVGcyV2R0b3+pJ8+',
  'bCnGwRT3WpGks6/HY8pGR+GcJ+BGhpiuxFkqVeLx3dUE11wSeMDlSBdXjwElCwHg',
  'mLAaoVJNQFF2O8tkt1xQOqyzU/cEM99xCUkiniiCJBpCLyJTUBFn3ybtyPW9/Vcf',
  'Lkz1rumOp6x9s8H+8GtslcO+x/oeFmifDL4AuBAMl78N1vQdbhDN8l1uJVJb+/JQ',
  'nYFzVIECgYEA5O8FqMYjOu8XTY2w7eTKaymMi2wf1tqNmWPZSFjl0/BDkYmytwcf',
  'Tor4mdBotSSadbC7FuSegqKq6vNQhTp75INMsCUJaVS1P1LpyxVcQ9yZ/roI1hQe',
  'X2mJckKHixlkcEeQ+31WEmiH9a6fTmIighrKcF2l3WkYl5iTTlCkPmECgYEA0Uc9',
  'uoaeeV8CEcNjJlorXZuleHDx0UQqLsI7uHJITeYhAbSO7uLoK4ZORiaFojhdL+4s',
  'JY76NmmoP5qMyhSE+UPr6Etn+DXW41HkzJ6EKw5wHXXH3HP0HBGSZ1oGOzmrQrX7',
  'GeSKhvMkcZ1yAFyBXCD87fRZxAhu9XImi/sNFf8CgYEAznZBxFPssdmuSmLeja0o',
  'YDy4Y4S/siSoTw2dh4Gkw96LEVX9ttLViSAL06wAwlygcENSdvL3gRjyy7FjjMOR',
  'uCQxpSnBsxyR2OoNrvk0nH724qMkFO1P9vxW2JTnaKsdyaTBPA1s8m0TMJ6rTSVz',
  'uaIvr+bFD0kYxJ71Oku/1AECgYAgdbFQXhL0dlUG1kxppXC2ey7GKJaJQ85bJEtJ',
  'B4jJdFlIP24wBUfHgHRhkxYFHELv7TwxsySCDg9HljwiF96sHunXROLib89dwNUB',
  'G9EaMIoZN6yBOAbz15Hir+bphr9WgI1q7bTCy7GqYaZOAgsadA9nBRBrRHeZYFQ0',
  'QAM+lwKBgDYRtU4YBMp/tksh67jucACyueijSTdWDnAw0AfbW3/9+Akq1js3M9nQ',
  '9tiXwYMBl+voOsPWpc+AtDd6Sq9P5h9CtbbGCe5DcAxBnSp2w47zDBKN4jccSyNI',
  '/o0490w5c8F+yGDM+wXR38SiY4J4LM6R2S0lYo045kLNZNciDiy8',
  '-----END RSA PRIVATE KEY-----',
  '',
].join('\n');
