# ~/.bash_profile
