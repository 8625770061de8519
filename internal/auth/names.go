package auth

// Scopes are the OAuth scopes a classic personal access token or an OAuth
// token may hold on GitHub: those of GitHub's "Scopes for OAuth apps"
// page, the Copilot and enterprise scopes of the classic token form, and
// GitHub Enterprise Server's site_admin.
var Scopes = []string{
	"repo", "repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events",
	"admin:repo_hook", "write:repo_hook", "read:repo_hook",
	"admin:org", "write:org", "read:org", "admin:org_hook", "manage_runners:org",
	"admin:public_key", "write:public_key", "read:public_key",
	"gist", "notifications", "user", "read:user", "user:email", "user:follow",
	"project", "read:project", "delete_repo", "write:packages", "read:packages", "delete:packages",
	"admin:gpg_key", "write:gpg_key", "read:gpg_key", "admin:ssh_signing_key", "write:ssh_signing_key", "read:ssh_signing_key",
	"codespace", "codespace:secrets", "workflow", "write:discussion", "read:discussion",
	"admin:enterprise", "manage_runners:enterprise", "manage_billing:enterprise", "read:enterprise", "scim:enterprise",
	"audit_log", "read:audit_log", "copilot", "manage_billing:copilot", "site_admin",
}

// Permissions are the permissions a fine-grained personal access token or
// a GitHub App installation token may hold: the properties of GitHub's
// app-permissions schema (TestPermissionsAreGitHubs checks them against
// the OpenAPI description).
var Permissions = []string{
	"actions", "administration", "artifact_metadata", "attestations", "checks", "code_quality", "codespaces",
	"contents", "dependabot_secrets", "deployments", "discussions", "email_addresses", "enterprise_administration",
	"enterprise_custom_properties", "enterprise_organization_installation_repositories",
	"enterprise_organization_installations", "environments", "followers", "git_ssh_keys", "gpg_keys",
	"interaction_limits", "issues", "members", "merge_queues", "metadata", "organization_administration",
	"organization_announcement_banners", "organization_copilot_agent_settings", "organization_copilot_seat_management",
	"organization_custom_org_roles", "organization_custom_properties", "organization_custom_roles",
	"organization_events", "organization_hooks", "organization_packages",
	"organization_personal_access_token_requests", "organization_personal_access_tokens", "organization_plan",
	"organization_projects", "organization_secrets", "organization_self_hosted_runners",
	"organization_user_blocking", "packages", "pages", "profile", "pull_requests", "repository_custom_properties",
	"repository_hooks", "repository_projects", "secret_scanning_alerts", "secrets", "security_events",
	"single_file", "starring", "statuses", "vulnerability_alerts", "workflows",
}
