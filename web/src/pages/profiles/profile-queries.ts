/** The Seller profiles pages' reads and writes over the generated client. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf, BodyOf } from '../../api/types.js';

export type SellerProfile = AnswerOf<'getProfile', 200>;
export type CreateProfileBody = BodyOf<'createProfile'>;
export type ProfileSettingsBody = CreateProfileBody['settings'];
export type NumberPreviewBody = BodyOf<'previewDocumentNumber'>;

const PROFILES = ['profiles'] as const;

/** Seller profiles are few: the first page of the largest size holds them (same key as the documents pages' names). */
export function useProfiles() {
  const { client } = useApi();
  return useQuery({
    queryKey: [...PROFILES, 'list'],
    queryFn: async () =>
      (await unwrap(client.GET('/profiles', { params: { query: { limit: 500 } } }))).data,
  });
}

export function useProfile(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...PROFILES, id],
    queryFn: () => unwrap(client.GET('/profiles/{id}', { params: { path: { id } } })),
  });
}

function useProfileMutation<V, R extends SellerProfile>(mutationFn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (profile) => {
      queryClient.setQueryData([...PROFILES, profile.id], profile);
      await queryClient.invalidateQueries({ queryKey: PROFILES, exact: false });
    },
  });
}

export function useCreateProfile() {
  const { client } = useApi();
  return useProfileMutation((body: CreateProfileBody) =>
    unwrap(client.POST('/profiles', { body })),
  );
}

export function useUpdateProfile(id: string) {
  const { client } = useApi();
  return useProfileMutation((body: BodyOf<'updateProfile'>) =>
    unwrap(client.PATCH('/profiles/{id}', { params: { path: { id } }, body })),
  );
}

export function useDeleteProfile(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/profiles/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: [...PROFILES, id] });
      await queryClient.invalidateQueries({ queryKey: PROFILES, exact: false });
    },
  });
}

/** `data`: the image file, base64. */
export function useSetLogo(id: string) {
  const { client } = useApi();
  return useProfileMutation((data: string) =>
    unwrap(client.POST('/profiles/{id}/logo', { params: { path: { id } }, body: { data } })),
  );
}

export function useClearLogo(id: string) {
  const { client } = useApi();
  return useProfileMutation(() =>
    unwrap(client.DELETE('/profiles/{id}/logo', { params: { path: { id } } })),
  );
}

/** The stored logo as a `data:` URL (the CSP allows `data:` images), re-read when the profile changes. */
export function useLogoUrl(profile: SellerProfile) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...PROFILES, profile.id, 'logo', profile.updatedAt],
    queryFn: async () => {
      const logo = await unwrap(
        client.GET('/profiles/{id}/logo', { params: { path: { id: profile.id } } }),
      );
      return `data:${logo.mediaType};base64,${logo.data}`;
    },
    enabled: profile.logo !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAttachSource(id: string) {
  const { client } = useApi();
  return useProfileMutation((sourceId: string) =>
    unwrap(client.POST('/profiles/{id}/sources', { params: { path: { id } }, body: { sourceId } })),
  );
}

export function useDetachSource(id: string) {
  const { client } = useApi();
  return useProfileMutation((sourceId: string) =>
    unwrap(
      client.DELETE('/profiles/{id}/sources/{sourceId}', { params: { path: { id, sourceId } } }),
    ),
  );
}

/** The number the next document of a series would get with `body`'s settings; not asked while `body` is null. */
export function useNumberPreview(body: NumberPreviewBody | null) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...PROFILES, 'number-preview', body],
    queryFn: () =>
      unwrap(client.POST('/profiles/number-preview', { body: body as NumberPreviewBody })),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
