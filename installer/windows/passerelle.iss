; Inno Setup 6.3+ script: Passerelle's Windows installer, from the one-folder bundle.
;
;   python installer\build_and_smoke.py                       (dist\passerelle\, smoke-tested)
;   iscc /DAppVersion=0.1.0 installer\windows\passerelle.iss  (dist\Passerelle-0.1.0-windows-setup.exe)
;
; - Per user, without administrator rights: the program goes to %LOCALAPPDATA%\Programs\Passerelle,
;   the Start-menu entry to the user's own Start menu; an assistant can install it on the shared
;   desktop of the practice without calling the IT contractor.
; - Upgrade: the same AppId, so a newer installer replaces the program in place (closing a running
;   Passerelle first). The practice's store is NOT in the program folder: it lives in the per-user
;   data folder (%APPDATA%\Passerelle\Passerelle\cabinet.passerelle, Qt's AppDataLocation) and the
;   workstation settings in HKCU\Software\Passerelle; neither is touched by an upgrade or by the
;   uninstaller. The store migrates itself the first time the new version unlocks it.
; - Signed-ready: see the SignTool lines below.
;
; AppVersion must be numeric (x.y.z): it is also the file version of the installer.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Passerelle"
#define AppExe "passerelle.exe"
#define Bundle "..\..\dist\passerelle"

[Setup]
; Never change AppId: it is how an upgrade finds the installed version. (The doubled brace is
; Inno Setup's escape for a literal one.)
AppId={{90BD40D5-45E3-4604-AA47-A38533C379C5}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Passerelle
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
CloseApplications=yes
RestartApplications=no
SetupIconFile=..\icons\passerelle.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=Passerelle-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

; Signing. Sign the two executables of the bundle first (signtool sign /fd sha256 /tr
; http://timestamp.digicert.com /td sha256 /n "Publisher" dist\passerelle\passerelle*.exe),
; then define a sign tool named "passerelle" and uncomment the two lines below:
;   - in the Inno Setup IDE: Tools > Configure Sign Tools > Add, name "passerelle", command
;       signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /n $qPublisher$q $f
;   - or on the command line:
;       iscc "/Spasserelle=signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /n $qPublisher$q $f" /DAppVersion=0.1.0 installer\windows\passerelle.iss
; Inno Setup then signs the installer and the uninstaller it writes.
; SignTool=passerelle
; SignedUninstaller=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.StoreKept=Les messages du cabinet (le coffre chiffré) sont conservés dans :%n%n%1%n%nPour un nouvel ordinateur, copiez ce dossier. Pour les effacer définitivement, supprimez-le.
english.StoreKept=The practice's messages (the encrypted store) are kept in:%n%n%1%n%nTo move to a new computer, copy this folder. To erase them for good, delete it.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: a library an older version shipped and this one does not
; must not linger in the folder (Python and Qt would load it). Only program files are here.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The uninstaller removes the program only. It says where the store stayed, so that nobody
// believes patient messages were erased when they were not (and nobody loses them by surprise).
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{userappdata}\Passerelle\Passerelle');
    if DirExists(DataDir) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('StoreKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
