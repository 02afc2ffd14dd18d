import { describe, expect, expectTypeOf, it } from 'vitest';
import { committed, generate } from 'openwork-api-gen';
import type { ExtensionTypes, HostBody, HostOk } from './api';
import type { ApprovalRequest, Capabilities, Workspace } from './api-types';

describe('api-types.ts', () => {
  it('is what openapi-typescript makes of the current openapi.json', async () => {
    // On failure: `cd web && npm run gen:api`, then commit src/lib/api-types.ts.
    expect((await committed()) === (await generate()), "src/lib/api-types.ts is out of date with openapi.json: run 'cd web && npm run gen:api'").toBe(true);
  }, 60_000);

  // A path or method the document no longer has makes these `never`, and
  // `never` would let any use of them compile: check they are real types.
  it('types host answers and bodies by path', () => {
    expectTypeOf<HostOk<'/workspaces', 'get'>>().not.toBeNever();
    expectTypeOf<HostOk<'/workspaces', 'get'>['active']>().toEqualTypeOf<Workspace>();
    expectTypeOf<HostOk<'/capabilities', 'get'>>().toEqualTypeOf<Capabilities>();
    expectTypeOf<HostOk<'/approvals', 'get'>['items'][number]>().toEqualTypeOf<ApprovalRequest>();
    expectTypeOf<HostOk<'/approvals/{id}', 'post'>>().not.toBeNever();
    expectTypeOf<HostBody<'/approvals/{id}', 'post'>>().not.toBeNever();
    expectTypeOf<{ reply: 'allow' }>().toExtend<HostBody<'/approvals/{id}', 'post'>>();
    expectTypeOf<HostOk<'/engine/restart', 'post'>>().not.toBeNever();
    expectTypeOf<ExtensionTypes['skills']['list']['items'][number]>().toHaveProperty('description');
    expectTypeOf<ExtensionTypes['plugins']['list']['items'][number]>().toHaveProperty('spec');
    expectTypeOf<ExtensionTypes['mcp']['list']['items'][number]>().toHaveProperty('config');
    expectTypeOf<ExtensionTypes['skills']['add']>().not.toBeNever();
    expectTypeOf<ExtensionTypes['plugins']['add']>().not.toBeNever();
    expectTypeOf<ExtensionTypes['mcp']['add']>().not.toBeNever();
    // An operation without such an answer is no type to use by mistake.
    expectTypeOf<HostOk<'/workspaces', 'post'>>().toBeNever();
  });
});
