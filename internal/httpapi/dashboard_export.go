package httpapi

import "github.com/seatkeeper/seatkeeper/internal/auth"

// CopilotReadRequirement is who may read an org's Copilot seats through
// the API (owners; manage_billing:copilot or read:org, or the seat
// management or administration permission at read), for other front ends,
// such as the dashboard, to apply the same rule.
func CopilotReadRequirement() auth.Requirement { return copilotRead }

// CopilotWriteRequirement is who may assign and cancel seats through the
// API (owners; manage_billing:copilot or admin:org, or those permissions at
// write).
func CopilotWriteRequirement() auth.Requirement { return copilotWrite }
