; PullPrint's additions to electron-builder's NSIS installer (nsis.include in
; electron-builder.yml). Per-machine install, run elevated. See docs/deployment.md.
;
; Install:   a configuration.xml beside the installer is copied to
;            %ProgramData%\PullPrint\configuration.xml (an existing one is replaced);
;            the print queues of the enabled modes are created and DefaultQueue made the
;            default printer (`PullPrint.exe --cli queue install`);
;            inbound connections to PullPrint are allowed (printers pull held jobs).
; Uninstall: the queues and the firewall rule are removed; the configuration stays
;            (an upgrade runs the old uninstaller first: then nothing is removed).

!macro customInstall
  SetShellVarContext all
  IfFileExists "$EXEDIR\configuration.xml" 0 pullprint_no_config
    CreateDirectory "$APPDATA\PullPrint"
    CopyFiles /SILENT "$EXEDIR\configuration.xml" "$APPDATA\PullPrint\configuration.xml"
    DetailPrint "PullPrint: configuration.xml copied to $APPDATA\PullPrint"
  pullprint_no_config:

  DetailPrint "PullPrint: creating print queues"
  nsExec::ExecToLog '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --cli queue install'
  Pop $0
  StrCmp $0 "0" pullprint_queues_done
    DetailPrint "PullPrint: print queues not created (exit code $0); run $\"${APP_EXECUTABLE_FILENAME} --cli queue install$\" as administrator"
  pullprint_queues_done:

  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="PullPrint release service"'
  Pop $0
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="PullPrint release service" dir=in action=allow protocol=TCP program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" profile=domain,private enable=yes'
  Pop $0
!macroend

!macro customUnInstall
  ${ifNot} ${isUpdated}
    nsExec::ExecToLog '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --cli queue remove'
    Pop $0
    nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="PullPrint release service"'
    Pop $0
  ${endIf}
!macroend
