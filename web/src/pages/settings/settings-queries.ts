/** The settings page's reads and actions: the installation's facts, a test e-mail, a new admin token. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import { endSessionAfterRotation } from '../../app/session.js';

export function useSystem() {
  const { client } = useApi();
  return useQuery({ queryKey: ['system'], queryFn: () => unwrap(client.GET('/system')) });
}

export function useTestEmail() {
  const { client } = useApi();
  return useMutation({
    mutationFn: (to: string) => unwrap(client.POST('/system/test-email', { body: { to } })),
  });
}

/** Rotates the admin token; on success this browser's session has ended and the sign-in page shows the new token. */
export function useRotateToken() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/token/rotate')),
    onSuccess: ({ token }) => endSessionAfterRotation(queryClient, token),
  });
}
