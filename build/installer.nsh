; Rallypoint: register the invite link schemes with Windows.
;
; electron-builder's NSIS target writes no URL protocol keys, so without this include clicking a
; rallypoint:// or ms-xbl-<title id>:// invite would do nothing on Windows. electron-builder inserts
; the customInstall macro at the end of the install section and customUnInstall at the start of the
; uninstall section (templates/nsis/installSection.nsh and uninstaller.nsh in app-builder-lib).
;
; The install is per user (nsis.perMachine: false), so the keys live in HKCU\Software\Classes, the
; hive Windows reads first and the one Electron's app.setAsDefaultProtocolClient writes too.
;
; Keep the scheme list in sync with `protocols` in electron-builder.yml and defaultInviteLinkConfig
; in src/shared/invite-link.ts: test/installer/nsis-include.test.ts fails when they drift apart.

; Writes HKCU\Software\Classes\<scheme> so that Windows starts Rallypoint with the link.
; The command passes the link after a `--` guard and in quotes: Chromium stops reading switches at
; `--`, so a crafted link cannot smuggle in options such as --gpu-launcher (CVE-2018-1000006), and
; Electron's own guard refuses any argument after the link that is not `--`.
!macro rallypointRegisterUrlScheme _RP_SCHEME _RP_DESCRIPTION
  DetailPrint "Registering ${_RP_SCHEME}:// links"
  ; Start clean: a stale DelegateExecute or verb left by another handler would win over our command.
  DeleteRegKey HKCU "Software\Classes\${_RP_SCHEME}"
  WriteRegStr HKCU "Software\Classes\${_RP_SCHEME}" "" "URL:${_RP_DESCRIPTION}"
  WriteRegStr HKCU "Software\Classes\${_RP_SCHEME}" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\${_RP_SCHEME}\DefaultIcon" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr HKCU "Software\Classes\${_RP_SCHEME}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" -- "%1"'
!macroend

; Removes HKCU\Software\Classes\<scheme>, but only when its command still starts with this
; installation's executable: if another install or another app took the scheme over since, it is
; left alone.
!macro rallypointUnregisterUrlScheme _RP_SCHEME
  Push $0
  Push $1
  ClearErrors
  ReadRegStr $0 HKCU "Software\Classes\${_RP_SCHEME}\shell\open\command" ""
  StrLen $1 '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
  StrCpy $0 $0 $1
  ${if} $0 == '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
    DetailPrint "Removing ${_RP_SCHEME}:// links"
    DeleteRegKey HKCU "Software\Classes\${_RP_SCHEME}"
  ${endIf}
  ClearErrors
  Pop $1
  Pop $0
!macroend

!macro customInstall
  !insertmacro rallypointRegisterUrlScheme "rallypoint" "Rallypoint invite link"
  !insertmacro rallypointRegisterUrlScheme "ms-xbl-52414c59" "Xbox Live multiplayer invite"
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller with --updated right before the new files land: keep the
  ; keys then, so links keep working during the update (the installer rewrites them anyway).
  ${ifNot} ${isUpdated}
    !insertmacro rallypointUnregisterUrlScheme "rallypoint"
    !insertmacro rallypointUnregisterUrlScheme "ms-xbl-52414c59"
  ${endIf}
!macroend
