// GENERATED FILE: do not edit. The types of the OpenWork host API, generated
// by openapi-typescript from openapi.json at the repository root (which
// `scripts/update-openapi` regenerates from the Rust code). To regenerate
// after openapi.json changes: `cd web && npm run gen:api`. `scripts/test-ui`
// and src/lib/api-types.test.ts fail while this file is out of date.

export interface paths {
    "/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /approvals` (host token) → `{items: [ApprovalRequest]}`. */
        get: operations["approvals_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /approvals/:id` (host token) with `{reply: "allow"|"deny"}` → `{ok, allowed}`. */
        post: operations["approvals_reply"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /capabilities`. */
        get: operations["capabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/engine": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /engine`: the supervisor's status. */
        get: operations["engine_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/engine/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /engine/restart` (host token): restart, also out of `failed`. */
        post: operations["engine_restart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /events` (client token): SSE of host events. Each SSE message has
         *     `id: <event id>` and `data: {"id","type","properties","time"}`. A client
         *     reconnecting with `Last-Event-ID` (header, or `?lastEventId=`) first gets
         *     every buffered event after that id. A keep-alive comment goes out every
         *     15 s. A subscriber that falls further behind than the replay buffer
         *     reaches is disconnected, and resumes from its last id on reconnect.
         *     Only owners see what a change held for approval would write (its
         *     `change`: config diffs can hold credentials): others get the request
         *     without it.
         */
        get: operations["stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /health` (open). */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /openapi.json` (open): this API as an OpenAPI 3.1 document. */
        get: operations["serve_document"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/opencode/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Forwarded to the engine's OpenCode API for the active workspace, under the policy in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered). */
        get: operations["opencode_get"];
        /** @description Forwarded to the engine's OpenCode API for the active workspace, under the policy in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered). */
        put: operations["opencode_put"];
        /** @description Forwarded to the engine's OpenCode API for the active workspace, under the policy in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered). */
        post: operations["opencode_post"];
        /** @description Forwarded to the engine's OpenCode API for the active workspace, under the policy in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered). */
        delete: operations["opencode_delete"];
        options?: never;
        head?: never;
        /** @description Forwarded to the engine's OpenCode API for the active workspace, under the policy in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered). */
        patch: operations["opencode_patch"];
        trace?: never;
    };
    "/pairing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /pairing` (host token or owner) with `{scope?, label?}`: a
         *     one-time code and the link a device opens with it (scope `collaborator`
         *     unless asked otherwise).
         */
        post: operations["pairing_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/pairing/exchange": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /pairing/exchange` (open: the code is the credential) with
         *     `{code, label?}` → a device token of the pairing's scope, once.
         */
        post: operations["pairing_exchange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /tokens` (host token or owner): the device tokens, without secrets. */
        get: operations["tokens_list"];
        put?: never;
        /**
         * `POST /tokens` (host token or owner) with `{scope, label?}` → 201 with
         *     the token (shown this once).
         */
        post: operations["tokens_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /tokens/rotate` (host token): new client token, persisted; the old
         *     one stops working at once.
         */
        post: operations["rotate_client_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * `DELETE /tokens/:id` (host token or owner): the token stops working at
         *     once, its open streams end, and the changes it asked for that wait for
         *     approval are denied.
         */
        delete: operations["tokens_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspace/:id/audit?limit=N` → `{items: [AuditEntry]}` (oldest first, last N, default 100). */
        get: operations["audit_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspace/:id/commands` → `{items: [{name, description?, template, agent?, model?, subtask?, scope, path}]}`. */
        get: operations["commands_list"];
        put?: never;
        /** `POST /workspace/:id/commands` with `{name, template, description?, agent?, model?, subtask?}` → `{items}`. */
        post: operations["commands_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/commands/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** `DELETE /workspace/:id/commands/:name` → `{ok: true}`; 404 when absent. */
        delete: operations["commands_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspace/:id/config` → `{opencode, openwork, path}`. */
        get: operations["get_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * `PATCH /workspace/:id/config` with `{opencode?, openwork?}`: top-level
         *     merge (a `null` value removes the key). `opencode.json(c)` is edited in
         *     place. → `{opencode, openwork, updatedAt}`.
         */
        patch: operations["patch_config"];
        trace?: never;
    };
    "/workspace/{id}/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /workspace/:id/mcp` → `{items: [{name, config, source, status?}]}`
         *     (`status` from OpenCode's `GET /mcp` while the engine runs).
         */
        get: operations["mcp_list"];
        put?: never;
        /** `POST /workspace/:id/mcp` with `{name, config}` (added or replaced) → the listing. */
        post: operations["mcp_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/mcp/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** `DELETE /workspace/:id/mcp/:name` → the listing; 404 when absent. */
        delete: operations["mcp_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/mcp/{name}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /workspace/:id/mcp/:name/disable` → the listing. */
        post: operations["mcp_disable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/mcp/{name}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /workspace/:id/mcp/:name/enable` → the listing. */
        post: operations["mcp_enable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/plugins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspace/:id/plugins[?includeGlobal=true]` → `{items: [{spec, source, scope, path?}], loadOrder}`. */
        get: operations["plugins_list"];
        put?: never;
        /**
         * `POST /workspace/:id/plugins` with `{spec}`: adds it to the project
         *     config, replacing an entry for the same package. → the listing.
         */
        post: operations["plugins_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/plugins/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * `DELETE /workspace/:id/plugins/:name`: removes config entries whose spec
         *     or package is `name` (URL-encode `@scope%2Fname`), or the file
         *     `.opencode/plugins/<name>`. → the listing; 404 when nothing matched.
         */
        delete: operations["plugins_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/skills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspace/:id/skills[?includeGlobal=true]` → `{items: [{name, path, description, scope}]}`. */
        get: operations["skills_list"];
        put?: never;
        /**
         * `POST /workspace/:id/skills` with `{name, content, description?}` →
         *     `{name, path, description, scope: "project"}`.
         */
        post: operations["skills_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/skills/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /workspace/:id/skills/archive[?name=]` with a raw `.zip`,
         *     `.tar.gz` or `.tar` body (content type `application/zip`,
         *     `application/gzip`, `application/x-tar`, or detected from the bytes):
         *     the archive holds `SKILL.md` at its root or in a single top folder.
         *     → `{name, path, description, scope: "project"}`.
         */
        post: operations["skills_add_archive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspace/{id}/skills/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * `DELETE /workspace/:id/skills/:name`: remove the skill folder from the
         *     project roots. → `{ok: true, name, removed: [paths]}`; 404 when absent.
         */
        delete: operations["skills_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspaces`: only the active workspace. */
        get: operations["workspaces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/active": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /workspaces/active`. */
        get: operations["active_workspace"];
        put?: never;
        /**
         * `POST /workspaces/active` (host token): expose another folder. The engine
         *     keeps running and tokens stay; requests already in flight finish against
         *     the folder they started with. Clients get `workspace.switched` on `/events`.
         */
        post: operations["switch_workspace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Who made a change: a remote client (client token) or the host. */
        Actor: {
            /** @description `X-OpenWork-Client-Id` if the client sent one (free text, ≤ 64 chars). */
            clientId?: string | null;
            /** @description Fingerprint of the token, never the token. */
            tokenHash?: string | null;
            /** @description `remote` (client token) or `host` (host token). */
            type: string;
        };
        /** @description Body of `POST /workspace/{id}/commands`. */
        AddCommand: {
            /** @description Frontmatter `agent`. */
            agent?: string | null;
            /** @description Frontmatter `description`. */
            description?: string | null;
            /** @description Frontmatter `model`. */
            model?: string | null;
            /** @description 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric, not ending `.md`. */
            name: string;
            /** @description Frontmatter `subtask`. */
            subtask?: boolean | null;
            /** @description The prompt template (non-empty). */
            template: string;
        };
        /** @description Body of `POST /workspace/{id}/mcp`. */
        AddMcp: {
            /**
             * @description `{type: "local", command: [..], environment?, enabled?, timeout?}` or
             *     `{type: "remote", url, headers?, oauth?, enabled?, timeout?}`.
             */
            config: Record<string, unknown>;
            /** @description 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric. */
            name: string;
        };
        /** @description Body of `POST /workspace/{id}/plugins`. */
        AddPlugin: {
            /** @description npm name, `name@version`, `@scope/name[@version]` or `file://path`. */
            spec: string;
        };
        /** @description Body of `POST /workspace/{id}/skills`. */
        AddSkill: {
            /** @description `SKILL.md` text (frontmatter optional). */
            content: string;
            /** @description Description (else the frontmatter's), 1-1024 characters. */
            description?: string | null;
            /** @description Skill (= folder) name: 1-64 of `[a-z0-9]` in hyphen-separated parts. */
            name: string;
        };
        /** @description Any JSON value (proxied OpenCode bodies). */
        AnyJson: Record<string, unknown>;
        /** @description `GET /approvals`. */
        ApprovalList: {
            /** @description Pending approvals, oldest first. */
            items: components["schemas"]["ApprovalRequest"][];
        };
        /** @description Answer of `POST /approvals/{id}`. */
        ApprovalReplied: {
            /** @description Whether the write was allowed. */
            allowed: boolean;
            /** @description Always `true`. */
            ok: boolean;
        };
        /** @description Body of `POST /approvals/{id}`. */
        ApprovalReply: {
            /**
             * @description `allow` or `deny`.
             * @example allow
             */
            reply: string;
        };
        /** @description A write waiting for the host's decision (`GET /approvals` items). */
        ApprovalRequest: {
            /** @description `skills.add`, `mcp.remove`, ... */
            action: string;
            /** @description Who asked. */
            actor: components["schemas"]["Actor"];
            /**
             * @description The change itself, for the approver to read: a unified diff of the
             *     files it writes (new files, binary or large files by size, files
             *     deleted), or for a request through the `/opencode` proxy: method,
             *     path and body.
             */
            change?: string | null;
            /**
             * Format: int64
             * @description Unix ms.
             */
            createdAt: number;
            /** @description `apr_<16 hex>`. */
            id: string;
            /** @description Files the write would touch. */
            paths: string[];
            /** @description One line for people. */
            summary: string;
            /** @description Workspace the write targets. */
            workspaceId: string;
        };
        /** @description One line of the audit log. */
        AuditEntry: {
            /** @description What (`skills.add`, `config.patch`, ...). */
            action: string;
            /** @description Who. */
            actor: components["schemas"]["Actor"];
            /** @description `aud_<16 hex>`. */
            id: string;
            /** @description `applied`, `denied`, `timeout`, `rejected` (OpenCode refused the resulting config; rolled back) or `failed`. */
            outcome: string;
            /** @description One line for people. */
            summary: string;
            /** @description Name or file the action targeted. */
            target: string;
            /**
             * Format: int64
             * @description When (Unix ms).
             */
            timestamp: number;
            /** @description Workspace written to. */
            workspaceId: string;
        };
        /** @description `GET /workspace/{id}/audit`. */
        AuditList: {
            /** @description Oldest first. */
            items: components["schemas"]["AuditEntry"][];
        };
        /** @description Body of `GET /capabilities`. */
        Capabilities: {
            /** @description Slash commands. */
            commands: components["schemas"]["Permission"];
            /** @description `opencode.json(c)` and `.opencode/openwork.json`. */
            config: components["schemas"]["Permission"];
            /** @description MCP servers. */
            mcp: components["schemas"]["Permission"];
            /** @description OpenCode plugins. */
            plugins: components["schemas"]["Permission"];
            scope?: null | components["schemas"]["TokenScope"];
            /** @description Skills (`SKILL.md` folders). */
            skills: components["schemas"]["Permission"];
        };
        /** @description One command. */
        CommandItem: {
            /** @description Frontmatter `agent`. */
            agent?: string | null;
            /** @description Frontmatter `description`. */
            description?: string | null;
            /** @description Frontmatter `model`. */
            model?: string | null;
            /** @description Command name (file name without `.md`). */
            name: string;
            /** @description The file. */
            path: string;
            /** @description `workspace`. */
            scope: string;
            /** @description Frontmatter `subtask`. */
            subtask?: boolean | null;
            /** @description The template (file body). */
            template: string;
        };
        /** @description Command listings. */
        CommandList: {
            /** @description Commands of the workspace. */
            items: components["schemas"]["CommandItem"][];
        };
        /** @description Body of `PATCH /workspace/{id}/config`: top-level keys to merge (`null` removes). */
        ConfigPatch: {
            /** @description Keys of `opencode.json(c)`. */
            opencode?: Record<string, unknown> | null;
            /** @description Keys of `.opencode/openwork.json`. */
            openwork?: Record<string, unknown> | null;
        };
        /** @description Answer of `PATCH /workspace/{id}/config`. */
        ConfigPatched: {
            /** @description `opencode.json(c)` after the change. */
            opencode: Record<string, unknown>;
            /** @description `.opencode/openwork.json` after the change. */
            openwork: Record<string, unknown>;
            /**
             * Format: int64
             * @description Unix ms.
             */
            updatedAt: number;
        };
        /** @description `GET /workspace/{id}/config`. */
        ConfigView: {
            /** @description The project's `opencode.json(c)` as JSON (comments dropped). */
            opencode: Record<string, unknown>;
            /** @description `.opencode/openwork.json`. */
            openwork: Record<string, unknown>;
            /** @description Path of the `opencode.json(c)` file. */
            path: string;
        };
        /**
         * @description States of the engine supervisor.
         * @enum {string}
         */
        EngineState: "starting" | "running" | "unresponsive" | "backoff" | "stopping" | "stopped" | "failed";
        /** @description Snapshot of the engine, published on every transition (`GET /engine`). */
        EngineStatus: {
            /**
             * Format: int32
             * @description Unexpected exits in a row (reset after a stable period).
             */
            consecutiveFailures: number;
            /** @description Last error, in words. */
            lastError?: string | null;
            /** @description Last exit status, e.g. `signal 9` or `exit code 1`. */
            lastExit?: string | null;
            /**
             * Format: int32
             * @description Pid of the running `opencode` process, if any.
             */
            pid?: number | null;
            /**
             * Format: int32
             * @description Loopback port OpenCode listens on, if any.
             */
            port?: number | null;
            /**
             * @description A config change waits for the active folder to be idle before
             *     OpenCode reloads it (see the `engine.reload` events).
             */
            reloadPending?: boolean;
            /**
             * Format: int32
             * @description Number of restarts since the host started (manual and automatic).
             */
            restarts: number;
            /** @description Current state. */
            state: components["schemas"]["EngineState"];
            /** @description Last lines OpenCode wrote to stderr (kept when `failed`). */
            stderrTail?: string[];
            /**
             * Format: int64
             * @description Milliseconds since the current process became ready.
             */
            uptimeMs?: number | null;
            /** @description OpenCode version reported by `--version`. */
            version?: string | null;
        };
        /** @description A JSON error body. */
        ErrorBody: {
            /** @description What went wrong, for programs. */
            code: components["schemas"]["ErrorCode"];
            /** @description Extra structured context (engine state, positions, ...). */
            details?: Record<string, unknown> | null;
            /** @description What went wrong, for people. */
            message: string;
        };
        /**
         * @description Machine-readable error codes used by the host, and by `openwork app`'s
         *     own API (`/app/api/...`: the codes from `AppUnauthorized` on, which the
         *     host never answers).
         * @enum {string}
         */
        ErrorCode: "unauthorized" | "forbidden" | "read_only" | "write_denied" | "not_found" | "workspace_not_found" | "invalid_request" | "invalid_config" | "payload_too_large" | "method_not_allowed" | "too_many_requests" | "bad_gateway" | "engine_unavailable" | "engine_unresponsive" | "internal_error" | "storage_full" | "app_unauthorized" | "auth_failed" | "needs_password" | "wrong_password" | "invalid_url" | "invalid_path" | "not_remote" | "no_active_workspace" | "not_available" | "no_local_host" | "unreachable" | "not_recognised" | "protocol_error" | "host_error" | "store_error" | "host_start_failed";
        /**
         * @description Body of `GET /health`.
         *
         *     A client decides "this is an OpenWork host" when the body parses into this
         *     type with `ok` and `healthy` present (see [`Health::looks_like_openwork`]).
         */
        Health: {
            /** @description `true` when the host can serve requests (the engine may still be restarting). */
            healthy: boolean;
            /** @description Always `true` when the host answers. */
            ok: boolean;
            /**
             * Format: int64
             * @description Milliseconds since the host started.
             */
            uptimeMs: number;
            /** @description OpenWork version of the host. */
            version: string;
        };
        /**
         * @description A device token just made (`POST /tokens`, `POST /pairing/exchange`): the
         *     only time the token is shown.
         */
        IssuedToken: {
            /**
             * Format: int64
             * @description Unix ms.
             */
            createdAt: number;
            /** @description `tok_<16 hex>`. */
            id: string;
            /** @description Who or what it is for. */
            label?: string | null;
            /** @description What it may do. */
            scope: components["schemas"]["TokenScope"];
            /** @description The token (`owt_…`): send it as `Authorization: Bearer`. */
            token: string;
        };
        /** @description One MCP server. */
        McpItem: {
            /** @description Its config (`{type: "local", command, ...}` or `{type: "remote", url, ...}`). */
            config: Record<string, unknown>;
            /** @description Server name. */
            name: string;
            /** @description `config.project`. */
            source: string;
            /** @description OpenCode's runtime status, while the engine runs. */
            status?: Record<string, unknown> | null;
        };
        /** @description MCP listings. */
        McpList: {
            /** @description Servers of the project config. */
            items: components["schemas"]["McpItem"][];
        };
        /** @description Body of `POST /tokens`. */
        NewToken: {
            /** @description Who or what it is for (at most 120 characters). */
            label?: string | null;
            /** @description `owner`, `collaborator` or `viewer`. */
            scope: string;
        };
        /** @description `{ok: true}`. */
        OkResponse: {
            /** @description Always `true`. */
            ok: boolean;
        };
        /** @description Where a client reaches OpenCode for a workspace. */
        OpencodeTarget: {
            /**
             * @description Base URL usable with the same bearer token: the host's `/opencode` proxy
             *     (for an owner of an `openwork-server` sidecar: the engine itself, as
             *     the orchestrator passed it).
             */
            baseUrl: string;
            /** @description Absolute workspace directory on the host. */
            directory: string;
            /**
             * @description HTTP Basic password for `base_url`: the caller's own token through
             *     the proxy (any user name), or the engine's password for an owner of
             *     a sidecar.
             */
            password?: string | null;
            /** @description HTTP Basic user for `base_url` (OpenCode's own clients send Basic). */
            username?: string | null;
        };
        /** @description A one-time pairing code (`POST /pairing`). */
        Pairing: {
            /** @description The code (works once, until `expiresAt`). */
            code: string;
            /**
             * Format: int64
             * @description Unix ms after which the code is dead.
             */
            expiresAt: number;
            /** @description Scope of the token the device will get. */
            scope: components["schemas"]["TokenScope"];
            /** @description The link a device opens (the web UI exchanges the code), also for the QR code. */
            url: string;
        };
        /** @description Body of `POST /pairing/exchange` (open: the code is the credential). */
        PairingExchange: {
            /** @description The pairing code. */
            code: string;
            /** @description Name of the device (the token's label, unless the pairing named one). */
            label?: string | null;
        };
        /** @description Body of `POST /pairing`. */
        PairingRequest: {
            /** @description Label of that token. */
            label?: string | null;
            /** @description Scope of the token the device gets (default `collaborator`). */
            scope?: string | null;
        };
        /** @description Read/write permission on one kind of extension. */
        Permission: {
            /** @description The client may list. */
            read: boolean;
            /** @description The client may add, change or remove. */
            write: boolean;
        };
        /** @description One plugin in a listing. */
        PluginItem: {
            /** @description Config file or plugin file. */
            path?: string | null;
            /** @description `project` or `global`. */
            scope: string;
            /** @description `config`, `dir.project` or `dir.global`. */
            source: string;
            /** @description Config spec (`name`, `name@version`, `file://...`) or file name. */
            spec: string;
        };
        /** @description Plugin listings. */
        PluginList: {
            /** @description Plugins from the config and the plugin folders. */
            items: components["schemas"]["PluginItem"][];
            /** @description Order in which OpenCode loads the sources. */
            loadOrder: string[];
        };
        /** @description Answer of `POST /tokens/rotate`. */
        RotatedToken: {
            /** @description The new client token; the previous one stopped working. */
            clientToken: string;
        };
        /** @description One skill in a listing. */
        SkillItem: {
            /** @description Frontmatter description (empty if missing). */
            description: string;
            /** @description Skill (= folder) name. */
            name: string;
            /** @description Path of its `SKILL.md`. */
            path: string;
            /** @description `project` or `global`. */
            scope: string;
        };
        /** @description `GET /workspace/{id}/skills`. */
        SkillList: {
            /** @description Project skills, then global ones if asked. */
            items: components["schemas"]["SkillItem"][];
        };
        /** @description Answer of `DELETE /workspace/{id}/skills/{name}`. */
        SkillRemoved: {
            /** @description The skill. */
            name: string;
            /** @description Always `true`. */
            ok: boolean;
            /** @description Folders removed. */
            removed: string[];
        };
        /** @description Body of `POST /workspaces/active`. */
        SwitchRequest: {
            /** @description Absolute path of the folder to expose (on the host). */
            path: string;
        };
        /** @description A device token as listed (`GET /tokens`): never the token itself. */
        TokenInfo: {
            /**
             * Format: int64
             * @description Unix ms.
             */
            createdAt: number;
            /** @description `tok_<16 hex>`; `client` for the host's client token. */
            id: string;
            /** @description Who or what it is for. */
            label?: string | null;
            /**
             * Format: int64
             * @description Unix ms of its last use, if used since it was made.
             */
            lastUsedAt?: number | null;
            /** @description What it may do. */
            scope: components["schemas"]["TokenScope"];
        };
        /** @description `GET /tokens`. */
        TokenList: {
            /** @description Newest first. */
            items: components["schemas"]["TokenInfo"][];
        };
        /**
         * @description What a device token may do. Each scope includes the ones before it.
         * @enum {string}
         */
        TokenScope: "viewer" | "collaborator" | "owner";
        /** @description A workspace exposed by a host. */
        Workspace: {
            /** @description Stable id, `ws_<12 hex>` (see [`crate::ids::workspace_id`]). */
            id: string;
            /** @description Display name (the folder name). */
            name: string;
            /** @description How to reach OpenCode for it. */
            opencode: components["schemas"]["OpencodeTarget"];
            /** @description Absolute path on the host. */
            path: string;
            /** @description Always `"local"` on a host. */
            workspaceType: string;
        };
        /** @description Body of `GET /workspaces`: only the active workspace is listed. */
        WorkspaceList: {
            /** @description The active workspace. */
            active: components["schemas"]["Workspace"];
            /** @description All exposed workspaces (just the active one). */
            items: components["schemas"]["Workspace"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type Actor = components['schemas']['Actor'];
export type AddCommand = components['schemas']['AddCommand'];
export type AddMcp = components['schemas']['AddMcp'];
export type AddPlugin = components['schemas']['AddPlugin'];
export type AddSkill = components['schemas']['AddSkill'];
export type AnyJson = components['schemas']['AnyJson'];
export type ApprovalList = components['schemas']['ApprovalList'];
export type ApprovalReplied = components['schemas']['ApprovalReplied'];
export type ApprovalReply = components['schemas']['ApprovalReply'];
export type ApprovalRequest = components['schemas']['ApprovalRequest'];
export type AuditEntry = components['schemas']['AuditEntry'];
export type AuditList = components['schemas']['AuditList'];
export type Capabilities = components['schemas']['Capabilities'];
export type CommandItem = components['schemas']['CommandItem'];
export type CommandList = components['schemas']['CommandList'];
export type ConfigPatch = components['schemas']['ConfigPatch'];
export type ConfigPatched = components['schemas']['ConfigPatched'];
export type ConfigView = components['schemas']['ConfigView'];
export type EngineState = components['schemas']['EngineState'];
export type EngineStatus = components['schemas']['EngineStatus'];
export type ErrorBody = components['schemas']['ErrorBody'];
export type ErrorCode = components['schemas']['ErrorCode'];
export type Health = components['schemas']['Health'];
export type IssuedToken = components['schemas']['IssuedToken'];
export type McpItem = components['schemas']['McpItem'];
export type McpList = components['schemas']['McpList'];
export type NewToken = components['schemas']['NewToken'];
export type OkResponse = components['schemas']['OkResponse'];
export type OpencodeTarget = components['schemas']['OpencodeTarget'];
export type Pairing = components['schemas']['Pairing'];
export type PairingExchange = components['schemas']['PairingExchange'];
export type PairingRequest = components['schemas']['PairingRequest'];
export type Permission = components['schemas']['Permission'];
export type PluginItem = components['schemas']['PluginItem'];
export type PluginList = components['schemas']['PluginList'];
export type RotatedToken = components['schemas']['RotatedToken'];
export type SkillItem = components['schemas']['SkillItem'];
export type SkillList = components['schemas']['SkillList'];
export type SkillRemoved = components['schemas']['SkillRemoved'];
export type SwitchRequest = components['schemas']['SwitchRequest'];
export type TokenInfo = components['schemas']['TokenInfo'];
export type TokenList = components['schemas']['TokenList'];
export type TokenScope = components['schemas']['TokenScope'];
export type Workspace = components['schemas']['Workspace'];
export type WorkspaceList = components['schemas']['WorkspaceList'];
export type $defs = Record<string, never>;
export interface operations {
    approvals_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pending approvals */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalList"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    approvals_reply: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Approval id (`apr_<16 hex>`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalReply"];
            };
        };
        responses: {
            /** @description Answered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalReplied"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no pending approval of that id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    capabilities: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the client token may do */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capabilities"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    engine_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The engine's status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EngineStatus"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    engine_restart: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restart requested */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    stream: {
        parameters: {
            query?: {
                /** @description Same as `Last-Event-ID`, for clients that cannot set headers */
                lastEventId?: string;
            };
            header?: {
                /** @description Resume after this event id */
                "Last-Event-ID"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SSE: `id: <n>` and `data: {id, type, properties, time}` per event; keep-alive comments every 15 s */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This is an OpenWork host */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    serve_document: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document of this API */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
        };
    };
    opencode_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description OpenCode route, e.g. `session` or `event` */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenCode's answer, as it sent it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnyJson"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: another directory, a machine-wide route or a suspicious path */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `bad_gateway`: OpenCode answered in a way that could not be forwarded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `engine_unavailable`: the engine is not running (`details.state` says why) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    opencode_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description OpenCode route, e.g. `session` or `event` */
                path: string;
            };
            cookie?: never;
        };
        /** @description Any body OpenCode accepts */
        requestBody?: {
            content: {
                "application/json": null | components["schemas"]["AnyJson"];
            };
        };
        responses: {
            /** @description OpenCode's answer, as it sent it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnyJson"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: another directory, a machine-wide route or a suspicious path */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `bad_gateway`: OpenCode answered in a way that could not be forwarded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `engine_unavailable`: the engine is not running (`details.state` says why) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    opencode_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description OpenCode route, e.g. `session` or `event` */
                path: string;
            };
            cookie?: never;
        };
        /** @description Any body OpenCode accepts */
        requestBody?: {
            content: {
                "application/json": null | components["schemas"]["AnyJson"];
            };
        };
        responses: {
            /** @description OpenCode's answer, as it sent it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnyJson"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: another directory, a machine-wide route or a suspicious path */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `bad_gateway`: OpenCode answered in a way that could not be forwarded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `engine_unavailable`: the engine is not running (`details.state` says why) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    opencode_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description OpenCode route, e.g. `session` or `event` */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenCode's answer, as it sent it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnyJson"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: another directory, a machine-wide route or a suspicious path */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `bad_gateway`: OpenCode answered in a way that could not be forwarded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `engine_unavailable`: the engine is not running (`details.state` says why) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    opencode_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description OpenCode route, e.g. `session` or `event` */
                path: string;
            };
            cookie?: never;
        };
        /** @description Any body OpenCode accepts */
        requestBody?: {
            content: {
                "application/json": null | components["schemas"]["AnyJson"];
            };
        };
        responses: {
            /** @description OpenCode's answer, as it sent it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnyJson"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: another directory, a machine-wide route or a suspicious path */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `bad_gateway`: OpenCode answered in a way that could not be forwarded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `engine_unavailable`: the engine is not running (`details.state` says why) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pairing_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PairingRequest"];
            };
        };
        responses: {
            /** @description The code and the pairing link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pairing"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pairing_exchange: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PairingExchange"];
            };
        };
        responses: {
            /** @description The device's own token (shown only here) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: the code is unknown, used or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many wrong codes from this network */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    tokens_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Device tokens, newest first (the client token as `client`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenList"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    tokens_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewToken"];
            };
        };
        responses: {
            /** @description The new token (shown only here) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `storage_full`: the host's disk is full; no token was made */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rotate_client_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new client token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedToken"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: the token comes from the environment and cannot be rotated */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `storage_full`: the host's disk is full; the old token still works */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    tokens_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id (`tok_<16 hex>`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    audit_list: {
        parameters: {
            query?: {
                /** @description Last N entries (default 100, 1-10000) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Audit entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    commands_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Commands */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommandList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    commands_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCommand"];
            };
        };
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommandList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    commands_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Command name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such command, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_config: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Both config files */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigView"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    patch_config: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConfigPatch"];
            };
        };
        responses: {
            /** @description Both files after the merge */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigPatched"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mcp_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MCP servers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mcp_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMcp"];
            };
        };
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mcp_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Server name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such server, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mcp_disable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Server name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such server, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mcp_enable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Server name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such server, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    plugins_list: {
        parameters: {
            query?: {
                /** @description Also list the global plugins */
                includeGlobal?: boolean;
            };
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Plugins */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    plugins_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddPlugin"];
            };
        };
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    plugins_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Spec, package (`@scope%2Fname`) or plugin file name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The listing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such plugin, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    skills_list: {
        parameters: {
            query?: {
                /** @description Also list the global skills */
                includeGlobal?: boolean;
            };
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Skills */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillList"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    skills_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddSkill"];
            };
        };
        responses: {
            /** @description The installed skill */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillItem"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    skills_add_archive: {
        parameters: {
            query?: {
                /** @description Skill name (else from the archive) */
                name?: string;
            };
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
            };
            cookie?: never;
        };
        /** @description A `.zip`, `.tar.gz` or `.tar` holding `SKILL.md` at its root or in one top folder */
        requestBody: {
            content: {
                "application/gzip": number[];
                "application/octet-stream": number[];
                "application/x-tar": number[];
                "application/zip": number[];
            };
        };
        responses: {
            /** @description The installed skill */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillItem"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: `id` is not the active workspace (`details.activeId` is) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    skills_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Workspace id (`ws_<12 hex>`, see `GET /workspaces`) */
                id: string;
                /** @description Skill name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkillRemoved"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `read_only` (host started with `--read-only`), `write_denied` (the host denied the change or did not approve it in time) or `forbidden` (a symlink or a path outside the workspace) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no project skill of that name, or `workspace_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    workspaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The active workspace (the only one listed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceList"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    active_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The active workspace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workspace"];
                };
            };
            /** @description `unauthorized`: missing or wrong client token (bearer); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    switch_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SwitchRequest"];
            };
        };
        responses: {
            /** @description The new active workspace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workspace"];
                };
            };
            /** @description `invalid_request`: malformed JSON, wrong types or invalid values */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized`: missing or wrong host token (`X-OpenWork-Host-Token`); the other token is refused too */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `workspace_not_found`: no such folder */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is larger than the host's limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `too_many_requests`: too many failed authentication attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`: a bug or an I/O failure on the host (details in its log) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `storage_full`: the host's disk is full; nothing was changed */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
