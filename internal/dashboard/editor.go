package dashboard

import "strings"

// editorNames are the readable names of the editors and plugins that
// appear in last_activity_editor ("vscode/1.99.3/copilot-chat/0.26.7").
var editorNames = map[string]string{
	"vscode": "VS Code", "vscode-insiders": "VS Code Insiders", "visualstudio": "Visual Studio", "vs": "Visual Studio",
	"vim": "Vim", "neovim": "Neovim", "nvim": "Neovim", "emacs": "Emacs", "xcode": "Xcode", "eclipse": "Eclipse",
	"jetbrains-ic": "IntelliJ IDEA Community", "jetbrains-iu": "IntelliJ IDEA Ultimate", "jetbrains-pc": "PyCharm Community",
	"jetbrains-py": "PyCharm", "jetbrains-go": "GoLand", "jetbrains-ws": "WebStorm", "jetbrains-rd": "Rider",
	"jetbrains-cl": "CLion", "jetbrains-ps": "PhpStorm", "jetbrains-rm": "RubyMine", "jetbrains-ai": "Android Studio",
	"copilot": "Copilot", "copilot-chat": "Copilot Chat", "copilot-intellij": "Copilot", "copilot.vim": "copilot.vim",
	"copilot-xcode": "Copilot for Xcode", "copilot-language-server": "Copilot language server", "github.com": "github.com",
}

// editorName writes an editor string readably: name and version pairs,
// each version to its minor number ("vscode/1.99.3/copilot-chat/0.26.7"
// is "VS Code 1.99 · Copilot Chat 0.26"). A string of another shape is
// returned as it is.
func editorName(raw string) string {
	parts := strings.Split(raw, "/")
	if raw == "" || len(parts)%2 != 0 {
		return raw
	}
	out := make([]string, 0, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		name, version := parts[i], parts[i+1]
		if name == "" {
			return raw
		}
		if readable, ok := editorNames[strings.ToLower(name)]; ok {
			name = readable
		}
		if v := strings.SplitN(version, ".", 3); len(v) >= 2 {
			version = v[0] + "." + v[1]
		}
		out = append(out, strings.TrimSpace(name+" "+version))
	}
	return strings.Join(out, " · ")
}
